package dev.harden.verify;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the service as written showed once started: the folders it wrote, the uids of its
 * processes, the effective capabilities and uid of its first process, and the ports it listens on.
 *
 * @param written the folders it wrote in, outermost only ({@code /var/lib/nginx}, {@code /run})
 * @param after each written folder as it was after the start (owner, mode)
 * @param processes its processes, by host pid
 * @param pid1Uid the effective uid of its first process, or null when unknown
 * @param pid1Gid the effective gid of its first process, or null when unknown
 * @param capEff the effective capabilities of its first process in hex, or null when unknown
 * @param listening the TCP ports it listens on, or null when they could not be read
 * @param notes what could not be seen, and what was used instead
 */
record Observation(List<String> written, Map<String, Engine.PathEntry> after, List<Engine.Process> processes, Integer pid1Uid,
                   Integer pid1Gid, String capEff, List<Integer> listening, List<String> notes) {
    /** Paths the engine itself writes into every container, and kernel file systems: never the service's doing. */
    private static final Set<String> ENGINE_PATHS = Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab",
            "/.dockerenv");

    Observation {
        written = List.copyOf(written);
        after = Map.copyOf(after);
        processes = List.copyOf(processes);
        listening = listening == null ? null : List.copyOf(listening);
        notes = List.copyOf(notes);
    }

    /** Nothing seen: a start that could not be observed. */
    static Observation none(String why) {
        return new Observation(List.of(), Map.of(), List.of(), null, null, null, null, List.of(why));
    }

    /**
     * Looks at a started container. A service that listens on no port yet may still be starting
     * (a database initialising its data): while it keeps writing it is given up to {@code wait} to
     * open one before the rest is read, so that the paths and processes seen are those of a service
     * that is up; one that listens on nothing and has stopped writing is read at once.
     *
     * @param running whether it still runs: processes and {@code /proc} can only be read then
     */
    static Observation of(Engine engine, String id, boolean running, Duration wait) {
        List<String> notes = new ArrayList<>();
        Integer uid = null;
        Integer gid = null;
        String caps = null;
        List<Integer> listening = null;
        if (running) {
            try {
                Optional<String> status = engine.exec(id, List.of("cat", "/proc/1/status"));
                if (status.isPresent()) {
                    long end = System.nanoTime() + wait.toNanos();
                    listening = listening(engine, id);
                    int written = engine.changes(id).size();
                    int still = 0;
                    while (listening.isEmpty() && still < 2 && System.nanoTime() < end && pause()) {
                        listening = listening(engine, id);
                        int now = engine.changes(id).size();
                        still = now == written ? still + 1 : 0;
                        written = now;
                    }
                    status = engine.exec(id, List.of("cat", "/proc/1/status")).or(() -> Optional.of(""));
                    uid = field(status.get(), "Uid", 1).orElse(null);
                    gid = field(status.get(), "Gid", 1).orElse(null);
                    caps = line(status.get(), "CapEff").orElse(null);
                } else {
                    notes.add("no cat in the image (distroless or scratch): uid from the engine's process list,"
                            + " ports from the image config");
                }
            } catch (IOException e) {
                notes.add("could not read /proc in the container (" + e.getMessage() + "): uid from the engine's process list,"
                        + " ports from the image config");
            }
        }
        List<String> written = List.of();
        Map<String, Engine.PathEntry> after = new LinkedHashMap<>();
        try {
            Map<String, Boolean> folders = new LinkedHashMap<>();
            written = writtenFolders(engine.changes(id), path -> folders.computeIfAbsent(path, p -> folder(engine, id, p)));
            for (String path : written) {
                engine.path(id, path).ifPresent(e -> after.put(path, e));
            }
        } catch (IOException e) {
            notes.add("the engine did not say which paths it wrote (" + e.getMessage() + ")");
        }
        if (!running) {
            notes.add("it had finished when it was looked at: no processes, uids or ports seen");
            return new Observation(written, after, List.of(), null, null, null, null, notes);
        }
        List<Engine.Process> processes = List.of();
        try {
            processes = engine.processes(id);
        } catch (IOException e) {
            notes.add("the engine did not list its processes (" + e.getMessage() + ")");
        }
        if (uid == null && !processes.isEmpty()) {
            // the lowest host pid is the container's first process: the engine starts it before any other
            uid = processes.stream().min((a, b) -> Long.compare(a.pid(), b.pid())).orElseThrow().uid();
        }
        return new Observation(written, after, processes, uid, gid, caps, listening, notes);
    }

    private static List<Integer> listening(Engine engine, String id) throws IOException {
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            engine.exec(id, List.of("cat", table)).ifPresent(t -> ports.addAll(listening(t)));
        }
        return new ArrayList<>(ports);
    }

    private static boolean pause() {
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean folder(Engine engine, String id, String path) {
        try {
            return engine.path(id, path).map(Engine.PathEntry::directory).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a path in the container is a folder (a path changed in place may be a file or a folder). */
    interface IsFolder {
        boolean test(String path);
    }

    /**
     * The folders a list of changes wrote in, outermost first: the folder of each added or deleted
     * path whose folder was already there, each folder changed in place with nothing changed below
     * it (chown, chmod), and the folder of each file changed in place.
     */
    static List<String> writtenFolders(List<Engine.Change> changes, IsFolder folders) {
        Set<String> added = new HashSet<>();
        Set<String> parents = new HashSet<>();
        for (Engine.Change c : changes) {
            if (c.kind() == 1) {
                added.add(c.path());
            }
            parents.add(parent(c.path()));
        }
        Set<String> out = new TreeSet<>();
        for (Engine.Change c : changes) {
            String path = c.path();
            if (ignored(path)) {
                continue;
            }
            String parent = parent(path);
            if (c.kind() == 1 || c.kind() == 2) {
                if (!added.contains(parent)) {
                    out.add(parent);
                }
            } else if (!parents.contains(path)) {
                out.add(folders.test(path) ? path : parent);
            }
        }
        List<String> outer = new ArrayList<>();
        for (String path : out) {
            if (outer.stream().noneMatch(o -> o.equals("/") || path.startsWith(o + "/"))) {
                outer.add(path);
            }
        }
        return outer;
    }

    private static boolean ignored(String path) {
        return ENGINE_PATHS.contains(path) || path.equals("/dev") || path.startsWith("/dev/") || path.startsWith("/proc/")
                || path.startsWith("/sys/") || path.equals("/proc") || path.equals("/sys");
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /**
     * The TCP ports in LISTEN state (0A) of a {@code /proc/net/tcp} or {@code tcp6} table, except on
     * loopback: the engine's own DNS resolver listens on 127.0.0.11 in every container on a network of
     * its own, and a port only the container itself reaches serves nobody else.
     */
    static List<Integer> listening(String table) {
        Set<Integer> ports = new TreeSet<>();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[3].equals("0A") && f[1].matches("[0-9A-Fa-f]+:[0-9A-Fa-f]{4}") && !loopback(f[1])) {
                ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
            }
        }
        return new ArrayList<>(ports);
    }

    /** 127.0.0.0/8 (little-endian: the last byte is 7F) or ::1, as {@code /proc/net/tcp*} writes addresses. */
    private static boolean loopback(String address) {
        String host = address.substring(0, address.indexOf(':')).toUpperCase(java.util.Locale.ROOT);
        return host.length() == 8 ? host.endsWith("7F") : host.equals("00000000000000000000000001000000");
    }

    /** The value of a {@code Name:} line of a {@code /proc/PID/status} file. */
    static Optional<String> line(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                return Optional.of(line.substring(name.length() + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** One number of a {@code Uid:} or {@code Gid:} line (0 real, 1 effective). */
    static Optional<Integer> field(String status, String name, int index) {
        return line(status, name).map(v -> v.split("\\s+")).filter(f -> f.length > index && f[index].matches("[0-9]{1,10}"))
                .map(f -> Integer.parseInt(f[index]));
    }

    /** Whether any process runs as another uid than the first: a server that steps down or runs workers as another user. */
    boolean uidsDiffer(int from) {
        return processes.stream().anyMatch(p -> p.uid() != from) || (pid1Uid != null && pid1Uid != from);
    }
}
