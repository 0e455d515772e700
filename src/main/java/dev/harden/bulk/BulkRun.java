package dev.harden.bulk;

import dev.harden.report.Terminal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a plan: each repository to run goes through the work with {@code parallel} at once, every step
 * journaled; one repository's failure is recorded and the others go on.
 */
public final class BulkRun {
    /**
     * One repository finished in this run.
     *
     * @param last its last record
     * @param openedPullRequest whether this run opened its pull request
     * @param line the line that says so: {@code host/owner/name: done URL}
     */
    public record Finished(Journal.Entry last, boolean openedPullRequest, String line) {
    }

    private BulkRun() {
    }

    /**
     * Works through a plan's repositories.
     *
     * @param parallel repositories worked on at once
     * @param log one line per repository finished
     * @return how many repositories ended in each state
     * @throws CampaignException when the journal cannot be written: the run stops, since it could no longer resume
     */
    public static Map<State, Integer> run(BulkPlan plan, Journal journal, Work work, int parallel, Consumer<String> log)
            throws CampaignException, InterruptedException {
        return runEach(plan, journal, work, parallel, finished -> log.accept(finished.line()));
    }

    /**
     * {@link #run}, telling each repository's end as it comes, with what a progress line counts.
     *
     * @param finished called once per repository, from the thread that worked on it
     */
    public static Map<State, Integer> runEach(BulkPlan plan, Journal journal, Work work, int parallel,
                                              Consumer<Finished> finished) throws CampaignException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "harden-bulk");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<State>> running = new ArrayList<>();
            for (Target target : plan.toRun()) {
                running.add(pool.submit(() -> one(target, journal, work, finished)));
            }
            Map<State, Integer> ended = new EnumMap<>(State.class);
            for (Future<State> f : running) {
                try {
                    ended.merge(f.get(), 1, Integer::sum);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CampaignException c) {
                        throw c;
                    }
                    if (e.getCause() instanceof InterruptedException i) {
                        throw i;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return ended;
        } finally {
            pool.shutdownNow();
        }
    }

    private static State one(Target target, Journal journal, Work work, Consumer<Finished> finished)
            throws CampaignException, InterruptedException {
        RepoId id = target.id();
        journal.record(id, State.DISCOVERED);
        boolean[] opened = {false};
        Work.Steps steps = new Work.Steps() {
            @Override
            public void reached(State state) throws CampaignException {
                journal.record(id, state);
            }

            @Override
            public void reached(State state, Journal.Findings findings) throws CampaignException {
                journal.record(id, state, findings);
            }

            @Override
            public void reached(State state, String url) throws CampaignException {
                journal.record(id, state, url);
                opened[0] |= state == State.PR_OPENED;
            }

            @Override
            public void optedOut(String reason) throws CampaignException {
                journal.optedOut(id, reason);
            }
        };
        Journal.Entry last;
        try {
            work.run(target, steps);
            last = journal.last(id).orElseThrow();
            if (!last.state().terminal()) {
                last = journal.record(id, State.DONE, last.url());
            }
        } catch (Work.Held e) {
            last = journal.waiting(id, e.getMessage(), e.url());
        } catch (Work.Failed e) {
            last = fail(journal, id, e.getMessage(), e.retryable());
        } catch (RuntimeException e) {
            // a bug in one repository's work (an illegal step included) fails that repository, not the run
            last = fail(journal, id, "internal error: " + e, false);
        }
        finished.accept(new Finished(last, opened[0], id + ": " + last.state().label() + (last.url() == null ? "" : " "
                + last.url()) + (last.reason() == null ? "" : " (" + Terminal.escape(last.reason()) + ")")));
        return last.state();
    }

    /** Records a failure, unless the repository already reached an end before the work failed. */
    private static Journal.Entry fail(Journal journal, RepoId id, String reason, boolean retryable) throws CampaignException {
        Journal.Entry last = journal.last(id).orElseThrow();
        if (last.state().terminal()) {
            return last;
        }
        return journal.failed(id, reason == null || reason.isBlank() ? "failed without a reason" : reason, retryable);
    }
}
