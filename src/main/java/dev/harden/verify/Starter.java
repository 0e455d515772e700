package dev.harden.verify;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts one container at a time on a private network with fresh volumes, waits until it runs or
 * fails, keeps its last log lines and removes it again. Everything it creates carries the label
 * {@code dev.harden.verify=<run id>}, which {@link #close} and the shutdown hook sweep. Once the
 * hook ran (Ctrl-C) or the thread was interrupted, every start ends in {@link VerifyInterrupted}:
 * a container the sweep removed under a start has not failed because of its options.
 */
final class Starter implements AutoCloseable {
    static final String LABEL = "dev.harden.verify";
    private static final long POLL_MILLIS = 200;
    /** How long the shutdown hook lets the interrupted command say what it did before the JVM ends. */
    private static final long LAST_WORDS_MILLIS = 5000;

    private final Engine engine;
    private final String runId;
    private final VerifySession.Settings settings;
    private final Map<ContainerSpec, Trial> done = new HashMap<>();
    private final Thread hook;
    private final CountDownLatch closed = new CountDownLatch(1);
    private String network;
    private int sequence;
    private volatile boolean closing;

    /** A starter whose run id (the label value on what it creates) is fresh and random. */
    static Starter withFreshRunId(Engine engine, VerifySession.Settings settings) {
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        return new Starter(engine, HexFormat.of().formatHex(id), settings);
    }

    Starter(Engine engine, String runId, VerifySession.Settings settings) {
        this.engine = engine;
        this.runId = runId;
        this.settings = settings;
        this.hook = new Thread(this::interrupt, "harden-verify-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    String runId() {
        return runId;
    }

    VerifySession.Settings settings() {
        return settings;
    }

    /** Whether this run was interrupted: its starts prove nothing. */
    boolean interrupted() {
        return closing || Thread.currentThread().isInterrupted();
    }

    /** Looks at a started container (by its id) before it is removed, knowing how far its start got. */
    interface Observer {
        void observe(String id, Trial waited);
    }

    /** Starts a spec once; the same spec again gives the same answer without starting it again. */
    Trial run(ContainerSpec spec) {
        return run(spec, null);
    }

    /**
     * Starts a spec and lets {@code observer} look at the container once the start is judged, before
     * it is removed; an observed start is never answered from an earlier one.
     */
    Trial run(ContainerSpec spec, Observer observer) {
        Trial cached = observer == null ? done.get(spec) : null;
        if (cached != null) {
            return cached;
        }
        Trial trial;
        try {
            trial = start(spec, observer);
        } catch (IOException e) {
            if (interrupted()) {
                throw interruption(spec);
            }
            trial = new Trial(Trial.Level.START_FAILED, "the engine failed: " + e.getMessage(), List.of());
        }
        if (interrupted()) {
            // the sweep may have removed the container while it was watched: its end says nothing
            throw interruption(spec);
        }
        done.put(spec, trial);
        return trial;
    }

    private VerifyInterrupted interruption(ContainerSpec spec) {
        return new VerifyInterrupted("interrupted while starting " + spec.service());
    }

    private Trial start(ContainerSpec spec, Observer observer) throws IOException {
        if (interrupted()) {
            throw interruption(spec);
        }
        int n = ++sequence;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL, runId);
        labels.put(LABEL + ".service", spec.service());
        String net = spec.isolated() ? "none" : network();
        List<String> volumes = new ArrayList<>();
        String id = null;
        try {
            for (int i = 0; i < spec.mounts().size(); i++) {
                ContainerSpec.Mount m = spec.mounts().get(i);
                if (!m.volume()) {
                    volumes.add(null);
                    continue;
                }
                String name = "harden-verify-" + runId + "-" + n + "-" + safe(m.source().isEmpty() ? "anon" + i : m.source());
                engine.createVolume(name, m.emptyDir() ? emptyDirOptions(m) : Map.of(), labels);
                volumes.add(name);
            }
            if (interrupted()) {
                throw interruption(spec);
            }
            try {
                id = engine.createContainer("harden-verify-" + runId + "-" + n + "-" + safe(spec.service()), spec, volumes, net, labels);
                engine.start(id);
            } catch (Engine.Refused e) {
                return new Trial(Trial.Level.START_FAILED, "the engine refused to start it: " + e.getMessage(), List.of(e.getMessage()));
            }
            Trial waited = await(id, spec, !"none".equals(net));
            if (observer != null) {
                observer.observe(id, waited);
            }
            List<String> logs = engine.logs(id, settings.logLines());
            return new Trial(waited.level(), waited.detail(), logs);
        } finally {
            if (id != null) {
                engine.removeContainer(id);
            }
            for (String v : volumes) {
                if (v != null) {
                    engine.removeVolume(v);
                }
            }
        }
    }

    /**
     * A tmpfs the kubelet's way: mode 0777, so any uid can write it, as the kubelet creates emptyDir
     * folders (a plain tmpfs mount would take the image folder's owner and mode instead).
     */
    private static Map<String, String> emptyDirOptions(ContainerSpec.Mount m) {
        return Map.of("type", "tmpfs", "device", "tmpfs", "o", "mode=0777" + (m.sizeLimit() == null ? "" : ",size=" + m.sizeLimit()));
    }

    private Trial await(String id, ContainerSpec spec, boolean reachable) throws IOException {
        long started = System.nanoTime();
        long settle = settings.settle().toNanos();
        long timeout = settings.timeout().toNanos();
        while (true) {
            if (interrupted()) {
                throw interruption(spec);
            }
            Engine.State st = engine.inspect(id);
            boolean probe = reachable && !spec.ports().isEmpty() && st.ip() != null;
            long elapsed = System.nanoTime() - started;
            if (!st.running()) {
                if (st.exitCode() == 0 && !st.oomKilled()) {
                    return new Trial(Trial.Level.COMPLETED, "finished with code 0", List.of());
                }
                return new Trial(Trial.Level.EXITED, "exited with code " + st.exitCode()
                        + (st.oomKilled() ? " (killed for using too much memory)" : "")
                        + (st.error() == null ? "" : " (" + st.error() + ")"), List.of());
            }
            if (spec.health() != null) {
                if ("healthy".equals(st.health())) {
                    return new Trial(Trial.Level.HEALTHY, "its healthcheck passed", List.of());
                }
                if ("unhealthy".equals(st.health())) {
                    return new Trial(Trial.Level.UNHEALTHY, "its healthcheck failed", List.of());
                }
                if (elapsed > timeout) {
                    return new Trial(Trial.Level.NOT_READY, "still not healthy after " + settings.timeout().toSeconds() + "s", List.of());
                }
            } else if (probe) {
                for (int port : spec.ports()) {
                    if (answers(st.ip(), port)) {
                        return new Trial(Trial.Level.PORT_ANSWERED, "port " + port + " answered", List.of());
                    }
                }
                if (elapsed > timeout) {
                    return new Trial(Trial.Level.ALIVE, "running, but port " + join(spec.ports()) + " never answered in "
                            + settings.timeout().toSeconds() + "s", List.of());
                }
            } else if (elapsed >= settle) {
                return new Trial(Trial.Level.ALIVE, "still running after " + settings.settle().toSeconds() + "s", List.of());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interruption(spec);
            }
        }
    }

    /** A TCP connection to the container's address on the private network: local, never routed. */
    private static boolean answers(String ip, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String network() {
        if (network == null) {
            try {
                String name = "harden-verify-" + runId;
                engine.createNetwork(name, Map.of(LABEL, runId));
                network = name;
            } catch (IOException e) {
                // an engine without a bridge driver still runs containers, just without port checks
                network = "none";
            }
        }
        return network;
    }

    private static String join(List<Integer> ports) {
        return String.join("/", ports.stream().map(String::valueOf).toList());
    }

    static String safe(String s) {
        String cleaned = s.replaceAll("[^a-zA-Z0-9_.-]", "-");
        return cleaned.isEmpty() ? "x" : cleaned;
    }

    /**
     * The shutdown hook (Ctrl-C): stops every further start, removes what this run created, and
     * gives the command a moment to say that nothing was written before the JVM ends.
     */
    void interrupt() {
        stop();
        try {
            closed.await(LAST_WORDS_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every further start and removes what this run created: the hook's work, without waiting. */
    void stop() {
        closing = true;
        sweep();
    }

    /**
     * Removes what this run created, if anything is left. On Ctrl-C the main thread may be creating
     * a container while this runs, so nothing new is created once it started, and it sweeps again
     * until a pass finds nothing (a network cannot go while a container still uses it).
     */
    private void sweep() {
        closing = true;
        // Ctrl-C may have interrupted this thread already: the engine's socket (an interruptible channel)
        // and the waits between passes would then end at once and leave the run behind. The interrupt is
        // cleared for the sweep and set again after it, for the command to see.
        boolean interrupted = Thread.interrupted();
        try {
            for (int pass = 0; pass < 5; pass++) {
                try {
                    if (engine.removeLabelled(LABEL, runId) == 0) {
                        return;
                    }
                } catch (IOException e) {
                    // something is still in use or the engine is gone; the next pass or 'harden verify --clean-up' gets it
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        sweep();
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
