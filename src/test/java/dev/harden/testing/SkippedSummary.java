package dev.harden.testing;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, when the tests end, which suites were skipped and why (their assumptions' messages say what
 * to install or run), so that a skip on a fresh clone is never silent. Registered through
 * {@code META-INF/services}, so every JUnit Platform launcher (Maven's, an IDE's) uses it.
 */
public final class SkippedSummary implements TestExecutionListener {
    /** Per suite, per reason, how many tests. */
    private final Map<String, Map<String, Long>> skipped = new TreeMap<>();
    private final PrintStream out;
    private TestPlan plan;

    public SkippedSummary() {
        this(System.out);
    }

    SkippedSummary(PrintStream out) {
        this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        record(id, reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            record(id, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private synchronized void record(TestIdentifier id, String reason) {
        Optional<String> suite = suite(id);
        if (suite.isEmpty()) {
            return;
        }
        long tests = id.isTest() ? 1 : Math.max(1, plan == null ? 1
                : plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count());
        String why = reason == null ? "no reason given" : reason.replaceFirst("^Assumption failed: ", "");
        skipped.computeIfAbsent(suite.get(), k -> new LinkedHashMap<>()).merge(why, tests, Long::sum);
    }

    private static Optional<String> suite(TestIdentifier id) {
        return id.getSource().map(s -> s instanceof MethodSource m ? m.getClassName()
                : s instanceof ClassSource c ? c.getClassName() : null).map(n -> n.substring(n.lastIndexOf('.') + 1));
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (skipped.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder("\nSkipped tests, and why (a skip for a missing tool says what to install or run):\n");
        skipped.forEach((suite, reasons) -> reasons.forEach((why, n) -> text.append("  skipped: ").append(suite)
                .append(" (").append(n).append(n == 1 ? " test" : " tests").append(") \u2014 ").append(why).append('\n')));
        out.print(text);
        out.flush();
    }
}
