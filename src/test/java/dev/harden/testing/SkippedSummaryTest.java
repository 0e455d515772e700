package dev.harden.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkippedSummaryTest {
    /** A suite whose class-level assumption fails: all its tests are skipped at once. */
    static class NeedsAFrobnicator {
        @BeforeAll
        static void need() {
            assumeTrue(false, "frobnicator is not installed: apt-get install frobnicator");
        }

        @Test
        void one() {
        }

        @Test
        void two() {
        }
    }

    /** A suite with one test that runs, one that assumes and one disabled. */
    static class PartlySkipped {
        @Test
        void runs() {
        }

        @Test
        void assumes() {
            assumeTrue(false, "no engine: run 'source .ci/engine.sh'");
        }

        @Disabled("waits for a fix upstream")
        @Test
        void disabled() {
        }
    }

    /** A suite that runs entirely. */
    static class AllRun {
        @Test
        void runs() {
        }
    }

    private static String summaryOf(Class<?>... suites) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // without auto-registration: the summary that Maven's launcher registers must not report these samples
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> suite : suites) {
            request.selectors(selectClass(suite));
        }
        launcher.execute(request.build(), new SkippedSummary(new PrintStream(out, true, StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsEachSkippedSuiteWithHowManyTestsAndWhyAtTheEnd() {
        String summary = summaryOf(NeedsAFrobnicator.class, PartlySkipped.class, AllRun.class);

        assertThat(summary).contains("Skipped tests, and why (a skip for a missing tool says what to install or run):")
                .contains("  skipped: SkippedSummaryTest$NeedsAFrobnicator (2 tests) \u2014 frobnicator is not installed:"
                        + " apt-get install frobnicator\n")
                .contains("  skipped: SkippedSummaryTest$PartlySkipped (1 test) \u2014 no engine: run 'source .ci/engine.sh'\n")
                .contains("  skipped: SkippedSummaryTest$PartlySkipped (1 test) \u2014 waits for a fix upstream\n")
                .doesNotContain("AllRun");
    }

    @Test
    void printsNothingWhenNothingWasSkipped() {
        assertThat(summaryOf(AllRun.class)).isEmpty();
    }
}
