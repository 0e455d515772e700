package dev.harden.bulk;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A campaign's journal writing in a JVM of its own, so a test can kill it with SIGKILL mid-run. */
public final class JournalWriter {
    /** The states each repository goes through in this stand-in for a campaign run. */
    static final List<State> PATH = List.of(State.DISCOVERED, State.FETCHED, State.CHANGED, State.PUSHED, State.PR_OPENED,
            State.DONE);

    private JournalWriter() {
    }

    /** {@code JOURNAL COUNT PAUSE_MILLIS}: takes repositories r0..rCOUNT-1 from where the journal left them to done. */
    public static void main(String[] args) throws Exception {
        run(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]));
    }

    static void run(Path file, int count, long pauseMillis) throws Exception {
        try (Journal journal = Journal.open(file, Instant::now)) {
            for (int i = 0; i < count; i++) {
                RepoId repo = new RepoId("git.example.com", "acme/r" + i);
                State last = journal.last(repo).map(Journal.Entry::state).orElse(null);
                for (int step = last == null ? 0 : PATH.indexOf(last) + 1; step < PATH.size(); step++) {
                    State state = PATH.get(step);
                    if (state == State.PR_OPENED || state == State.DONE) {
                        journal.record(repo, state, "https://git.example.com/acme/r" + i + "/pulls/1");
                    } else {
                        journal.record(repo, state);
                    }
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            }
        }
    }
}
