package dev.harden.testing;

import dev.harden.forge.Pace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A clock that only moves when code sleeps on it, recording every sleep: tests wait for nothing. */
public final class FakeTime implements Pace.Sleeper {
    private long now = 1_800_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    public synchronized long now() {
        return now;
    }

    @Override
    public synchronized void sleep(long millis) {
        sleeps.add(millis);
        now += millis;
    }

    public synchronized List<Long> sleeps() {
        return List.copyOf(sleeps);
    }

    public synchronized void advance(long millis) {
        now += millis;
    }

    /** The standard pace (one write per second, waits up to 15 minutes) on this clock. */
    public Pace pace() {
        return new Pace(Duration.ofSeconds(1), this::now, this, new Random(7), Duration.ofMinutes(15));
    }
}
