package dev.harden.cli;

import dev.harden.bulk.BulkRun;
import dev.harden.bulk.State;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * What a campaign run shows while it works: one line per repository as it finishes on standard
 * output (the record a CI log keeps), and on a terminal also a line on standard error redrawn in
 * place, {@code harden: 12/60 repositories, 8 pull requests opened, 1 failed, about 3m left}, kept
 * below the repository lines and erased at the end. The state word is coloured only where
 * {@link Terminal#colour} allows.
 */
final class BulkProgress {
    private final PrintWriter out;
    private final PrintWriter err;
    private final int total;
    private final boolean live;
    private final boolean colour;
    private final LongSupplier clock;
    private final long start;
    private int done;
    private int opened;
    private int failed;
    private boolean visible;

    /**
     * @param live whether to draw the progress line (a terminal, not CI)
     * @param colour whether the repository lines may be coloured
     * @param clock nanoseconds
     */
    BulkProgress(PrintWriter out, PrintWriter err, int total, boolean live, boolean colour, LongSupplier clock) {
        this.out = out;
        this.err = err;
        this.total = total;
        this.live = live;
        this.colour = colour;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** For this process's terminal. */
    static BulkProgress on(Terminal terminal, PrintWriter out, PrintWriter err, int total, boolean noColor) {
        return new BulkProgress(out, err, total, terminal.progress(false), terminal.colour(noColor, false), System::nanoTime);
    }

    /** Shows the line before the first repository finishes. */
    synchronized void begin() {
        draw();
    }

    /** One repository finished: its line, then the progress line again. */
    synchronized void finished(BulkRun.Finished f) {
        done++;
        if (f.openedPullRequest()) {
            opened++;
        }
        if (f.last().state() == State.FAILED) {
            failed++;
        }
        erase();
        out.println(colour ? coloured(f) : f.line());
        out.flush();
        draw();
    }

    /** A message for standard error (a forge asking harden to wait), printed above the progress line. */
    synchronized void log(String line) {
        erase();
        err.println(line);
        err.flush();
        draw();
    }

    /** Erases the progress line for good. */
    synchronized void end() {
        erase();
    }

    /** {@code 3/13 repositories, 2 pull requests opened, 0 failed, about 1m left}. */
    String line() {
        StringBuilder s = new StringBuilder("harden: ").append(done).append('/').append(total)
                .append(total == 1 ? " repository, " : " repositories, ").append(opened)
                .append(opened == 1 ? " pull request opened, " : " pull requests opened, ").append(failed).append(" failed");
        if (done > 0 && done < total) {
            long elapsed = clock.getAsLong() - start;
            s.append(", about ").append(duration(elapsed / done * (total - done) / 1_000_000_000L)).append(" left");
        }
        return s.toString();
    }

    /** {@code 45s}, {@code 3m}, {@code 2h 5m}: rounded up, an estimate needs no more. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return Math.max(1, seconds) + "s";
        }
        long minutes = (seconds + 59) / 60;
        return minutes < 60 ? minutes + "m" : minutes / 60 + "h " + minutes % 60 + "m";
    }

    private void draw() {
        if (live) {
            err.print("\r\u001b[K" + line());
            err.flush();
            visible = true;
        }
    }

    private void erase() {
        if (visible) {
            err.print("\r\u001b[K");
            err.flush();
            visible = false;
        }
    }

    /** The state word after the repository coloured: green done, red failed, yellow waiting. */
    private static String coloured(BulkRun.Finished f) {
        String line = f.line();
        String code = switch (f.last().state()) {
            case DONE -> "\u001b[32m";
            case FAILED -> "\u001b[31m";
            case WAITING -> "\u001b[33m";
            default -> null;
        };
        String label = ": " + f.last().state().label();
        int at = line.indexOf(label);
        if (code == null || at < 0) {
            return line;
        }
        int from = at + 2;
        int to = from + f.last().state().label().length();
        return line.substring(0, from) + code + line.substring(from, to) + "\u001b[0m" + line.substring(to);
    }
}
