package dev.harden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Work grows linearly with the file: doubling the input must not quadruple the bytes a run
 * allocates (a count, not a clock; the timings are in docs/performance.md).
 */
class ScalingTest {
    private static final FileHardener HARDENER = new FileHardener(Fixtures.profile("restricted"), ImageKnowledge.builtIn(),
            RepoConfig.none(), Limits.DEFAULT.withMaxBytes(1L << 30));

    private static byte[] services(int n) {
        StringBuilder text = new StringBuilder("services:\n");
        for (int i = 0; i < n; i++) {
            text.append("  s").append(i).append(":\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] scalar(int bytes) {
        return ("services:\n  web:\n    image: nginx:1.27\n    environment:\n      A: " + "x".repeat(bytes) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static long work(byte[] file) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        FileReport report = HARDENER.process(Path.of("compose.yaml"), "compose.yaml", file, true);
        long after = threads.getThreadAllocatedBytes(id);
        assertThat(report.outcome()).isEqualTo(FileReport.Outcome.CHECKED);
        assertThat(report.kind()).isEqualTo(FileReport.Kind.COMPOSE);
        assertThat(report.changed()).isTrue();
        return after - before;
    }

    @Test
    void doublingTheServicesRoughlyDoublesTheWork() {
        work(services(500));
        long small = work(services(3000));
        long large = work(services(6000));
        assertThat(large).as("bytes allocated for 6000 services vs %d for 3000", small).isLessThan(3 * small);
    }

    @Test
    void doublingALongScalarRoughlyDoublesTheWork() {
        work(scalar(10_000));
        long small = work(scalar(1 << 20));
        long large = work(scalar(2 << 20));
        assertThat(large).as("bytes allocated for a 2 MB scalar vs %d for 1 MB", small).isLessThan(3 * small);
    }
}
