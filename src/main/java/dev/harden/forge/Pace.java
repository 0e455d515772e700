package dev.harden.forge;

import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * How fast harden talks to a forge with one token: at most one mutating call per interval, waits for
 * a spent rate limit to reset, and backs off with jitter on secondary limits. The clock and the
 * sleeper are injectable so tests never wait.
 */
public final class Pace {
    /** Waits; {@link Thread#sleep(long)} outside tests. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** A budget shared with other repositories' clients (a bulk campaign's): told of writes and of rate limits. */
    public interface Budget {
        /** No budget beyond this pace's own. */
        Budget NONE = new Budget() {
            @Override
            public void beforeContentCall() {
            }

            @Override
            public void slowDown(long millis) {
            }
        };

        /** Before a call that creates or changes something; waits while the shared budget is spent. */
        void beforeContentCall() throws InterruptedException;

        /** The forge asked for a pause this long: a 429, a secondary limit or a spent rate limit. */
        void slowDown(long millis);
    }

    /** GitHub asks for at least a minute before retrying a secondary limit that names no wait. */
    static final long SECONDARY_BACKOFF_MILLIS = 60_000;

    private final long intervalMillis;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final Random random;
    private final long maxWaitMillis;
    private final Budget budget;
    private long lastMutating = Long.MIN_VALUE;
    private long blockedUntil = Long.MIN_VALUE;

    /**
     * @param mutatingInterval the least time between two calls that create or change something
     * @param clock milliseconds since the epoch
     * @param sleeper how to wait
     * @param random jitter source
     * @param maxWait the longest single wait accepted before giving up
     */
    public Pace(Duration mutatingInterval, LongSupplier clock, Sleeper sleeper, Random random, Duration maxWait) {
        this(mutatingInterval, clock, sleeper, random, maxWait, Budget.NONE);
    }

    private Pace(Duration mutatingInterval, LongSupplier clock, Sleeper sleeper, Random random, Duration maxWait,
                 Budget budget) {
        if (mutatingInterval.isNegative() || maxWait.isNegative()) {
            throw new IllegalArgumentException("intervals cannot be negative: " + mutatingInterval + ", " + maxWait);
        }
        this.intervalMillis = mutatingInterval.toMillis();
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.maxWaitMillis = maxWait.toMillis();
        this.budget = budget;
    }

    /** This pace, also spending from and slowed by a budget that other clients share. */
    public Pace withBudget(Budget shared) {
        return new Pace(Duration.ofMillis(intervalMillis), clock, sleeper, random, Duration.ofMillis(maxWaitMillis), shared);
    }

    /** One mutating call per second, real time, waits of up to 15 minutes. */
    public static Pace standard(Duration mutatingInterval) {
        return new Pace(mutatingInterval, System::currentTimeMillis, Thread::sleep, new Random(), Duration.ofMinutes(15));
    }

    long now() {
        return clock.getAsLong();
    }

    long maxWaitMillis() {
        return maxWaitMillis;
    }

    /** Waits as long as the shared budget and then this pace ask before a call. */
    void before(boolean mutating) throws InterruptedException {
        if (mutating) {
            budget.beforeContentCall();
        }
        paced(mutating);
    }

    private synchronized void paced(boolean mutating) throws InterruptedException {
        long now = now();
        long until = blockedUntil;
        if (mutating && lastMutating != Long.MIN_VALUE) {
            until = Math.max(until, lastMutating + intervalMillis);
        }
        if (until > now) {
            sleep(until - now);
        }
        if (mutating) {
            lastMutating = now();
        }
    }

    /** Remembers that the budget is spent until a moment (from {@code x-ratelimit-reset}). */
    void blockUntil(long epochMillis) {
        synchronized (this) {
            blockedUntil = Math.max(blockedUntil, epochMillis);
        }
        limited(epochMillis - now());
    }

    /** Tells the shared budget that the forge asked for a pause. */
    void limited(long millis) {
        if (millis > 0) {
            budget.slowDown(millis);
        }
    }

    /**
     * The wait after a secondary limit that names none: at least a minute, as GitHub asks
     * (docs.github.com, "Best practices for using the REST API"), doubling with each attempt, with jitter.
     */
    long secondaryBackoff(int attempt) {
        return backoff(2 * SECONDARY_BACKOFF_MILLIS, attempt);
    }

    /** An exponential wait with jitter: between half and all of {@code base * 2^attempt}. */
    long backoff(long baseMillis, int attempt) {
        long ceiling = baseMillis << Math.min(attempt, 10);
        return ceiling / 2 + (long) (random.nextDouble() * (ceiling / 2.0));
    }

    void sleep(long millis) throws InterruptedException {
        if (millis > 0) {
            sleeper.sleep(millis);
        }
    }
}
