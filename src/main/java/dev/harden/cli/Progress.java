package dev.harden.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The progress line of a long run on standard error, {@code harden: 12/300 files — path}, rewritten in
 * place; it appears only once a run has taken half a second, at most ten times a second, and is
 * erased at the end, so a short run never shows it.
 */
final class Progress {
    private static final long DELAY = 500_000_000L;
    private static final long INTERVAL = 100_000_000L;

    private final PrintWriter err;
    private final int total;
    private final int width;
    private final LongSupplier clock;
    private final long start;
    private long shown;
    private boolean visible;

    /** @param clock nanoseconds, or null for {@link System#nanoTime()} */
    Progress(PrintWriter err, int total, int width, LongSupplier clock) {
        this.err = err;
        this.total = total;
        this.width = width;
        this.clock = clock;
        this.start = now();
        this.shown = start - INTERVAL;
    }

    private long now() {
        return clock == null ? System.nanoTime() : clock.getAsLong();
    }

    /** Called before each file: {@code done} files are finished and {@code name} is next. */
    void next(int done, String name) {
        long now = now();
        if (now - start < DELAY || now - shown < INTERVAL) {
            return;
        }
        shown = now;
        String line = "harden: " + done + "/" + total + " files \u2014 ";
        int room = width - 1 - line.length();
        String shownName = name.length() <= room ? name : "\u2026" + name.substring(name.length() - Math.max(0, room - 1));
        err.print("\r\u001b[K" + line + shownName);
        err.flush();
        visible = true;
    }

    /** Erases the line, if it was shown. */
    void done() {
        if (visible) {
            err.print("\r\u001b[K");
            err.flush();
            visible = false;
        }
    }
}
