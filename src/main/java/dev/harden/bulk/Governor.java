package dev.harden.bulk;

import dev.harden.forge.Pace;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * The one budget every repository of a campaign run spends from: content-creating calls per
 * sliding minute and hour, pull requests opened per sliding hour, and campaign pull requests open at
 * once. Given to each forge client through {@link Pace#withBudget}, it also hears the forge's rate
 * limits: it pauses every client for as long as the forge asked and halves the calls allowed per
 * minute, which then grow back by a tenth of the ceiling for each quiet minute.
 */
public final class Governor implements Pace.Budget {
    static final long MINUTE = 60_000;
    static final long HOUR = 3_600_000;

    private final Campaign.Pacing limits;
    private final LongSupplier clock;
    private final Pace.Sleeper sleeper;
    private final Deque<Long> minuteCalls = new ArrayDeque<>();
    private final Deque<Long> hourCalls = new ArrayDeque<>();
    private final Deque<Long> openings = new ArrayDeque<>();
    private long pausedUntil;
    private int reducedPerMinute;
    private long lastLimited = Long.MIN_VALUE;
    private int open;

    /**
     * @param limits the campaign's pace
     * @param clock milliseconds since the epoch
     * @param sleeper how to wait
     */
    public Governor(Campaign.Pacing limits, LongSupplier clock, Pace.Sleeper sleeper) {
        this.limits = limits;
        this.clock = clock;
        this.sleeper = sleeper;
        this.reducedPerMinute = limits.contentCallsPerMinute();
    }

    /** Real time. */
    public static Governor standard(Campaign.Pacing limits) {
        return new Governor(limits, System::currentTimeMillis, Thread::sleep);
    }

    @Override
    public void beforeContentCall() throws InterruptedException {
        while (true) {
            long wait;
            synchronized (this) {
                long now = clock.getAsLong();
                wait = contentWait(now);
                if (wait == 0) {
                    minuteCalls.addLast(now);
                    hourCalls.addLast(now);
                    return;
                }
            }
            sleeper.sleep(wait);
        }
    }

    @Override
    public synchronized void slowDown(long millis) {
        long now = clock.getAsLong();
        pausedUntil = Math.max(pausedUntil, now + millis);
        reducedPerMinute = Math.max(1, perMinute(now) / 2);
        lastLimited = now;
    }

    /**
     * Takes a pull request from the budget before one may be opened, waiting while this hour's are spent.
     *
     * @return false when as many campaign pull requests are open as the pace allows: open no more in this run
     */
    public boolean reservePullRequest() throws InterruptedException {
        while (true) {
            long wait;
            synchronized (this) {
                if (open >= limits.openPullRequests()) {
                    return false;
                }
                long now = clock.getAsLong();
                trim(openings, now - HOUR);
                wait = openings.size() < limits.pullRequestsPerHour() ? 0 : openings.peekFirst() + HOUR - now;
                if (wait == 0) {
                    openings.addLast(now);
                    open++;
                    return true;
                }
            }
            sleeper.sleep(wait);
        }
    }

    /** Gives back a reservation that did not open a pull request (the existing one was updated, or nothing to do). */
    public synchronized void pullRequestNotOpened() {
        if (!openings.isEmpty()) {
            openings.removeLast();
        }
        open = Math.max(0, open - 1);
    }

    /** Counts campaign pull requests already open when the run starts, or opened by another shard. */
    public synchronized void alreadyOpen(int count) {
        open += count;
    }

    /** A campaign pull request was merged or closed: another may open. */
    public synchronized void pullRequestClosed() {
        open = Math.max(0, open - 1);
    }

    /** Campaign pull requests counted as open. */
    public synchronized int open() {
        return open;
    }

    /** Content-creating calls allowed in the sliding minute now: the ceiling, or less after a rate limit. */
    public synchronized int perMinute() {
        return perMinute(clock.getAsLong());
    }

    private int perMinute(long now) {
        int ceiling = limits.contentCallsPerMinute();
        if (lastLimited == Long.MIN_VALUE) {
            return ceiling;
        }
        long quietMinutes = (now - lastLimited) / MINUTE;
        long grown = reducedPerMinute + quietMinutes * Math.max(1, ceiling / 10);
        return (int) Math.min(ceiling, grown);
    }

    /** How long until one more content call fits, or 0. */
    private long contentWait(long now) {
        long wait = Math.max(0, pausedUntil - now);
        trim(minuteCalls, now - MINUTE);
        trim(hourCalls, now - HOUR);
        int perMinute = perMinute(now);
        if (minuteCalls.size() >= perMinute) {
            // the call that must leave the window before one more fits
            long oldest = minuteCalls.stream().skip(minuteCalls.size() - perMinute).findFirst().orElseThrow();
            wait = Math.max(wait, oldest + MINUTE - now);
        }
        if (hourCalls.size() >= limits.contentCallsPerHour()) {
            wait = Math.max(wait, hourCalls.peekFirst() + HOUR - now);
        }
        return wait;
    }

    private static void trim(Deque<Long> calls, long before) {
        while (!calls.isEmpty() && calls.peekFirst() <= before) {
            calls.removeFirst();
        }
    }
}
