package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL in the middle of writing its journal, then resumed: every step recorded once. */
class JournalKillTest {
    private static final int REPOSITORIES = 120;

    @TempDir
    Path dir;

    @Test
    void aRunKilledWithSigkillResumesWhereItStoppedAndRecordsNoStepTwice() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                JournalWriter.class.getName(), file.toString(), Integer.toString(REPOSITORIES), "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines(file) < 150 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(child.isAlive()).as("the writer is still writing when it is killed").isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        int before = lines(file);
        assertThat(before).isBetween(150, REPOSITORIES * JournalWriter.PATH.size() - 1);

        Map<RepoId, Journal.Entry> atKill = Journal.replay(file);
        // the kill may land between two repositories or in the middle of one; either way some are not done
        assertThat(atKill.values().stream().filter(e -> e.state() == State.DONE).count()).isLessThan(REPOSITORIES);

        JournalWriter.run(file, REPOSITORIES, 0);

        String text = Files.readString(file);
        assertThat(text).endsWith("\n");
        Map<String, List<String>> states = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Journal.Entry e = Journal.Entry.parse(line);
            states.computeIfAbsent(e.repo().path(), k -> new ArrayList<>()).add(e.state().label());
        }
        List<String> path = JournalWriter.PATH.stream().map(State::label).toList();
        assertThat(states).hasSize(REPOSITORIES);
        assertThat(states.values()).allSatisfy(seen -> assertThat(seen).containsExactlyElementsOf(path));
        assertThat(Journal.replay(file).values()).allSatisfy(e -> assertThat(e.state()).isEqualTo(State.DONE));
    }

    /** Complete lines so far (a torn one being written is not counted). */
    private static int lines(Path file) throws java.io.IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        int n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
