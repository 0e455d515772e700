package dev.harden.verify;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How one start of one variant went.
 *
 * @param level how far it got
 * @param detail one sentence: what was seen
 * @param logs its last log lines
 */
public record Trial(Level level, String detail, List<String> logs) {
    private static final Pattern FAILURE = Pattern.compile(
            "(?i).*(error|fail|fatal|emerg|panic|denied|not permitted|read-only|cannot|can't|unable|no such|killed|abort).*");

    /** How far a start got, worst first. */
    public enum Level {
        /** The engine refused to create or start the container. */
        START_FAILED,
        /** The process stopped with a non-zero code. */
        EXITED,
        /** Its healthcheck reported unhealthy. */
        UNHEALTHY,
        /** It kept running but its healthcheck never passed in time. */
        NOT_READY,
        /** The process finished with code 0 (a one-shot job). */
        COMPLETED,
        /** It kept running for the settle time (no healthcheck, no port to try). */
        ALIVE,
        /** One of its ports accepted a connection. */
        PORT_ANSWERED,
        /** Its healthcheck passed. */
        HEALTHY;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Trial {
        logs = List.copyOf(logs);
    }

    /** Whether it ran: started and kept running, finished cleanly, answered or became healthy. */
    public boolean ok() {
        return level.compareTo(Level.COMPLETED) >= 0;
    }

    /** How much it proved: 0 failed, 1 ran, 2 answered on a port, 3 healthy. */
    int rank() {
        return switch (level) {
            case COMPLETED, ALIVE -> 1;
            case PORT_ANSWERED -> 2;
            case HEALTHY -> 3;
            default -> 0;
        };
    }

    /** Whether this start did as well as a reference start of the same service. */
    boolean asGoodAs(Trial reference) {
        return ok() && rank() >= reference.rank();
    }

    /** The log line that best explains a failure: the last one that reads like an error, else the last one. */
    public String telling() {
        for (int i = logs.size() - 1; i >= 0; i--) {
            if (FAILURE.matcher(logs.get(i)).matches()) {
                return logs.get(i);
            }
        }
        return logs.isEmpty() ? detail : logs.get(logs.size() - 1);
    }
}
