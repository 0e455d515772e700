package dev.harden.bulk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A campaign's append-only journal: one JSON line per state a repository reaches, forced to disk
 * before the step it records is taken as done, so a run killed at any moment resumes from the last
 * state each repository reached. A last line cut short by the kill is dropped on opening.
 */
public final class Journal implements AutoCloseable {
    /**
     * One line of the journal.
     *
     * @param at when it was recorded
     * @param repo the repository
     * @param state the state it reached
     * @param reason why it failed or was opted out, or null
     * @param retryable for a failure: whether trying again may succeed (a rate limit, a network error)
     * @param url the pull request's page, or null
     * @param findings the open findings before and after the fix, once this attempt counted them; null when
     *     unknown (an older journal, or an attempt that did not get that far)
     */
    public record Entry(Instant at, RepoId repo, State state, String reason, boolean retryable, String url,
                        Findings findings) {
        public Entry {
            if (state == State.FAILED && (reason == null || reason.isBlank())) {
                throw new IllegalArgumentException("a failure needs a reason: " + repo);
            }
        }

        public Entry(Instant at, RepoId repo, State state, String reason, boolean retryable, String url) {
            this(at, repo, state, reason, retryable, url, null);
        }

        /** This record with the counts an earlier record of the same attempt made, unless it has its own. */
        Entry after(Entry before) {
            if (findings != null || before == null || before.findings() == null || state == State.DISCOVERED) {
                return this;
            }
            return new Entry(at, repo, state, reason, retryable, url, before.findings());
        }

        String line() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("at", at.toString());
            fields.put("repo", repo.key());
            fields.put("state", state.label());
            if (reason != null) {
                fields.put("reason", reason);
            }
            if (state == State.FAILED) {
                fields.put("retryable", retryable);
            }
            if (url != null) {
                fields.put("url", url);
            }
            if (findings != null) {
                fields.put("findingsBefore", findings.before());
                fields.put("findingsAfter", findings.after());
            }
            return JsonLine.write(fields);
        }

        static Entry parse(String line) {
            Map<String, Object> f = JsonLine.read(line);
            if (!(f.get("at") instanceof String at) || !(f.get("repo") instanceof String repo)
                    || !(f.get("state") instanceof String state)) {
                throw new IllegalArgumentException("a record needs 'at', 'repo' and 'state'");
            }
            try {
                return new Entry(Instant.parse(at), RepoId.parse(repo), State.parse(state),
                        f.get("reason") instanceof String r ? r : null, Boolean.TRUE.equals(f.get("retryable")),
                        f.get("url") instanceof String u ? u : null, findings(f));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'at' is not a time: " + at);
            }
        }

        private static Findings findings(Map<String, Object> f) {
            if (f.get("findingsBefore") instanceof Number before && f.get("findingsAfter") instanceof Number after) {
                return new Findings(before.intValue(), after.intValue());
            }
            return null;
        }
    }

    /**
     * How many findings stood open in a repository before the campaign's fix, and how many after it.
     *
     * @param before open findings in the base branch
     * @param after open findings the fix left (those no rule can fix)
     */
    public record Findings(int before, int after) {
        public Findings {
            if (before < 0 || after < 0) {
                throw new IllegalArgumentException("a count of findings is not negative");
            }
        }
    }

    /** Which repositories a run takes up. */
    public enum Selection {
        /** Those not yet seen, those a killed run left half way, failures worth retrying, and those waiting: a resume. */
        UNFINISHED,
        /** Only those whose last attempt failed, retryable or not ({@code --only failed}). */
        FAILED,
        /** Every one: a new round, such as a scheduled re-run that updates every pull request. */
        ALL
    }

    private final Path file;
    private final FileChannel channel;
    private final Supplier<Instant> clock;
    private final Map<RepoId, Entry> last;

    private Journal(Path file, FileChannel channel, Supplier<Instant> clock, Map<RepoId, Entry> last) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
        this.last = last;
    }

    /**
     * Opens a journal for appending, creating it when missing: drops a torn last line, then replays the rest.
     *
     * @param clock the time each record gets
     */
    public static Journal open(Path file, Supplier<Instant> clock) throws CampaignException {
        try {
            boolean created = !Files.exists(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                if (!locked(channel)) {
                    throw new CampaignException(file + ": another run is using this journal; wait for it to end, or give"
                            + " each shard a journal of its own");
                }
                long kept = completeLength(file, channel);
                if (kept < channel.size()) {
                    channel.truncate(kept);
                    channel.force(true);
                }
                channel.position(channel.size());
                if (created) {
                    syncDirectory(file);
                }
                return new Journal(file, channel, clock, replay(file));
            } catch (IOException | CampaignException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new CampaignException(file + ": cannot open the journal: " + e.getMessage());
        }
    }

    /** The last state each repository reached, read without changing the file (a torn last line is ignored). */
    public static Map<RepoId, Entry> replay(Path file) throws CampaignException {
        return replay(List.of(file));
    }

    /**
     * The last state of each repository over several journals, such as one per shard; where two
     * journals name the same repository, the later record wins.
     */
    public static Map<RepoId, Entry> replay(Collection<Path> files) throws CampaignException {
        Map<RepoId, Entry> last = new LinkedHashMap<>();
        for (Path file : files) {
            for (Entry e : replayOne(file).values()) {
                last.merge(e.repo(), e, (a, b) -> b.at().isBefore(a.at()) ? a : b);
            }
        }
        return last;
    }

    private static Map<RepoId, Entry> replayOne(Path file) throws CampaignException {
        Map<RepoId, Entry> last = new LinkedHashMap<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return last;
        } catch (IOException e) {
            throw new CampaignException(file + ": cannot read the journal: " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        // Whatever follows the last line break was being written when the run died.
        String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            Entry e;
            try {
                e = Entry.parse(lines[i]);
            } catch (IllegalArgumentException ex) {
                throw new CampaignException(file + ":" + (i + 1) + ": not a journal record (" + ex.getMessage()
                        + "): repair or remove that line");
            }
            Entry before = last.get(e.repo());
            if (!e.state().mayFollow(before == null ? null : before.state())) {
                throw new CampaignException(file + ":" + (i + 1) + ": " + e.repo() + " cannot go from "
                        + (before == null ? "nothing" : before.state().label()) + " to " + e.state().label());
            }
            last.put(e.repo(), e.after(before));
        }
        return last;
    }

    /** Records a state and forces it to disk before returning. */
    public Entry record(RepoId repo, State state) throws CampaignException {
        return append(repo, state, null, false, null);
    }

    /** Records a state with the pull request's page. */
    public Entry record(RepoId repo, State state, String url) throws CampaignException {
        return append(repo, state, null, false, url);
    }

    /** Records a state ({@code unchanged}, {@code changed}) with the findings counted before and after the fix. */
    public Entry record(RepoId repo, State state, Findings findings) throws CampaignException {
        return append(repo, state, null, false, null, findings);
    }

    /** Records that a repository opted out, and how. */
    public Entry optedOut(RepoId repo, String reason) throws CampaignException {
        return append(repo, State.OPTED_OUT, reason, false, null);
    }

    /** Records that the repository waits on its pull request's checks, and why. */
    public Entry waiting(RepoId repo, String reason, String url) throws CampaignException {
        return append(repo, State.WAITING, reason, false, url);
    }

    /** Records a failure. */
    public Entry failed(RepoId repo, String reason, boolean retryable) throws CampaignException {
        return append(repo, State.FAILED, reason, retryable, null);
    }

    private Entry append(RepoId repo, State state, String reason, boolean retryable, String url)
            throws CampaignException {
        return append(repo, state, reason, retryable, url, null);
    }

    private synchronized Entry append(RepoId repo, State state, String reason, boolean retryable, String url,
                                      Findings findings) throws CampaignException {
        Entry before = last.get(repo);
        if (!state.mayFollow(before == null ? null : before.state())) {
            throw new IllegalStateException(repo + " cannot go from " + (before == null ? "nothing" : before.state().label())
                    + " to " + state.label());
        }
        Entry entry = new Entry(clock.get(), repo, state, reason, retryable, url, findings).after(before);
        ByteBuffer bytes = ByteBuffer.wrap((entry.line() + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new CampaignException(file + ": cannot write the journal: " + e.getMessage());
        }
        last.put(repo, entry);
        return entry;
    }

    /** The last record of a repository. */
    public synchronized Optional<Entry> last(RepoId repo) {
        return Optional.ofNullable(last.get(repo));
    }

    /** The last record of every repository recorded, in the order each first appeared. */
    public synchronized Map<RepoId, Entry> last() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(last));
    }

    /** The repositories, of those given and in their order, that a run with this selection takes up. */
    public synchronized List<RepoId> select(Collection<RepoId> repos, Selection selection) {
        return select(repos, selection, last);
    }

    /** {@link #select(Collection, Selection)} over a replayed journal. */
    public static List<RepoId> select(Collection<RepoId> repos, Selection selection, Map<RepoId, Entry> last) {
        List<RepoId> chosen = new ArrayList<>();
        for (RepoId repo : repos) {
            Entry e = last.get(repo);
            boolean take = switch (selection) {
                case ALL -> true;
                case FAILED -> e != null && e.state() == State.FAILED;
                case UNFINISHED -> e == null || !e.state().terminal() || e.state() == State.FAILED && e.retryable()
                        || e.state() == State.WAITING;
            };
            if (take) {
                chosen.add(repo);
            }
        }
        return chosen;
    }

    @Override
    public synchronized void close() throws CampaignException {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CampaignException(file + ": cannot close the journal: " + e.getMessage());
        }
    }

    /** Two runs appending to one journal would each resume the other's repositories: only one may hold it. */
    private static boolean locked(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    /** The length of the file up to and including its last line break. */
    private static long completeLength(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long at = size - 1; at >= 0; at--) {
            one.clear();
            channel.read(one, at);
            if (one.get(0) == '\n') {
                return at + 1;
            }
        }
        return 0;
    }

    /** A new file's name is only durable once its folder is forced too. */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot force a folder; the record itself is forced all the same
        }
    }
}
