package dev.harden.bulk;

import dev.harden.report.Terminal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code harden bulk plan} shows and {@code run} then does: for each of this shard's
 * repositories, whether it is started, resumed, retried or skipped, and why, from the campaign, what
 * discovery found and the journal. Nothing is fetched or sent to work it out.
 *
 * @param campaign the campaign
 * @param shard the part of it planned
 * @param steps one per repository of the shard, in discovery order
 * @param otherShards how many discovered repositories other shards take
 * @param leftOut what discovery left out and why
 */
public record BulkPlan(Campaign campaign, Shard shard, List<Step> steps, int otherShards, List<String> leftOut) {
    /** What happens to one repository. */
    public enum Action {
        /** Not worked on yet, or taken up again in a new round. */
        START,
        /** A run stopped half way through it: picked up again (the pipeline finds what it already pushed or opened). */
        RESUME,
        /** Its last attempt failed. */
        RETRY,
        /** Nothing: done, opted out, a failure not worth retrying, or not chosen by {@code --only}. */
        SKIP;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One repository's step.
     *
     * @param target the repository
     * @param action what happens
     * @param why the journal's last word on it, or null for a repository never worked on
     */
    public record Step(Target target, Action action, String why) {
    }

    public BulkPlan {
        steps = List.copyOf(steps);
        leftOut = List.copyOf(leftOut);
    }

    /**
     * Plans a run.
     *
     * @param journal the last record of each repository, from {@link Journal#replay}
     * @param selection which repositories the run takes up
     */
    public static BulkPlan of(Campaign campaign, Discovery.Result discovery, Map<RepoId, Journal.Entry> journal, Shard shard,
                              Journal.Selection selection) {
        List<Target> mine = new ArrayList<>();
        for (Target target : discovery.targets()) {
            if (shard.owns(target.id())) {
                mine.add(target);
            }
        }
        Set<RepoId> chosen = Set.copyOf(Journal.select(mine.stream().map(Target::id).toList(), selection, journal));
        List<Step> steps = new ArrayList<>();
        for (Target target : mine) {
            Journal.Entry last = journal.get(target.id());
            Action action;
            if (!chosen.contains(target.id())) {
                action = Action.SKIP;
            } else if (last == null || last.state().terminal() && last.state() != State.FAILED) {
                action = Action.START;
            } else if (last.state() == State.FAILED) {
                action = Action.RETRY;
            } else {
                action = Action.RESUME;
            }
            steps.add(new Step(target, action, last == null ? null : describe(last)));
        }
        return new BulkPlan(campaign, shard, steps, discovery.targets().size() - mine.size(), discovery.skipped());
    }

    /** The repositories a run works on, in order. */
    public List<Target> toRun() {
        return steps.stream().filter(s -> s.action() != Action.SKIP).map(Step::target).toList();
    }

    /** The plan as the user reads it: a summary line, one line per repository, then what discovery left out. */
    public String text() {
        StringBuilder out = new StringBuilder();
        long skip = steps.stream().filter(s -> s.action() == Action.SKIP).count();
        out.append("campaign ").append(campaign.name()).append(", shard ").append(shard).append(": ")
                .append(steps.size() - skip).append(" to work on, ").append(skip).append(" to skip");
        if (otherShards > 0) {
            out.append(", ").append(otherShards).append(" in other shards");
        }
        out.append("; branch ").append(campaign.branchName()).append(", profile ").append(campaign.profile()).append('\n');
        for (Step s : steps) {
            out.append("  ").append(String.format("%-7s", s.action().label())).append(s.target().id());
            if (s.why() != null) {
                out.append(" (").append(Terminal.escape(s.why())).append(')');
            }
            out.append('\n');
        }
        if (!leftOut.isEmpty()) {
            out.append("left out:\n");
            for (String line : leftOut) {
                out.append("  ").append(Terminal.escape(line)).append('\n');
            }
        }
        return out.toString();
    }

    private static String describe(Journal.Entry e) {
        return switch (e.state()) {
            case FAILED -> "failed" + (e.retryable() ? "" : ", not retryable") + ": " + e.reason();
            case OPTED_OUT -> "opted out" + (e.reason() == null ? "" : ": " + e.reason());
            case DONE -> "done" + (e.url() == null ? "" : ": " + e.url());
            case CLOSED -> "closed" + (e.url() == null ? "" : ": " + e.url());
            case WAITING -> e.reason();
            default -> "stopped at " + e.state().label();
        };
    }
}
