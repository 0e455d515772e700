package dev.harden.verify;

import dev.harden.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker Engine API over its unix socket. Paths carry no API version, so the engine answers in
 * its own (every field used here is the same from Docker 20.10 on).
 */
final class DockerEngine implements Engine {
    private final UnixHttp http;

    private DockerEngine(UnixHttp http) {
        this.http = http;
    }

    /** An engine at {@code unix:///path}; other schemes are refused with a message saying so. */
    static DockerEngine at(String dockerHost) {
        if (!dockerHost.startsWith("unix://")) {
            throw new IllegalArgumentException("only unix sockets are supported (unix:///path/docker.sock), not '" + dockerHost + "'");
        }
        return new DockerEngine(new UnixHttp(Path.of(dockerHost.substring("unix://".length())), Duration.ofSeconds(120)));
    }

    @Override
    public String version() throws IOException {
        Object v = json(call("GET", "/version", null, 200));
        Object name = Json.at(v, "Platform", "Name");
        String version = String.valueOf(Json.at(v, "Version"));
        return (name == null || String.valueOf(name).isBlank() ? "Docker Engine" : String.valueOf(name)).replace(" - Community", "")
                + " " + version;
    }

    @Override
    public Optional<Image> image(String image) throws IOException {
        Object body = imageInspection(image);
        Object id = Json.at(body, "Id");
        Object user = Json.at(body, "Config", "User");
        return id == null ? Optional.empty() : Optional.of(new Image(String.valueOf(id), user == null ? "" : String.valueOf(user)));
    }

    @Override
    public Optional<ImageDetail> imageDetail(String image) throws IOException {
        Object body = imageInspection(image);
        Object id = Json.at(body, "Id");
        if (id == null) {
            return Optional.empty();
        }
        List<String> digests = new ArrayList<>();
        if (Json.at(body, "RepoDigests") instanceof List<?> l) {
            l.forEach(d -> digests.add(String.valueOf(d)));
        }
        Object user = Json.at(body, "Config", "User");
        List<Integer> ports = new ArrayList<>();
        if (Json.at(body, "Config", "ExposedPorts") instanceof Map<?, ?> exposed) {
            for (Object key : exposed.keySet()) {
                String k = String.valueOf(key);
                if (k.matches("[0-9]{1,5}(/tcp)?")) {
                    ports.add(Integer.parseInt(k.replace("/tcp", "")));
                }
            }
        }
        List<String> volumes = new ArrayList<>();
        if (Json.at(body, "Config", "Volumes") instanceof Map<?, ?> declared) {
            declared.keySet().forEach(v -> volumes.add(String.valueOf(v)));
        }
        List<String> env = new ArrayList<>();
        if (Json.at(body, "Config", "Env") instanceof List<?> l) {
            l.forEach(e -> env.add(String.valueOf(e)));
        }
        return Optional.of(new ImageDetail(String.valueOf(id), digests, user == null ? "" : String.valueOf(user), ports, volumes, env));
    }

    @Override
    public List<Change> changes(String id) throws IOException {
        List<Change> out = new ArrayList<>();
        if (json(call("GET", "/containers/" + encode(id) + "/changes", null, 200)) instanceof List<?> changes) {
            for (Object c : changes) {
                if (Json.at(c, "Path") instanceof String path && Json.at(c, "Kind") instanceof Long kind) {
                    out.add(new Change(path, kind.intValue()));
                }
            }
        }
        return out;
    }

    @Override
    public List<Process> processes(String id) throws IOException {
        Object top = json(call("GET", "/containers/" + encode(id) + "/top?ps_args=" + encode("-eo pid,uid,comm"), null, 200));
        List<Process> out = new ArrayList<>();
        if (Json.at(top, "Processes") instanceof List<?> rows) {
            for (Object row : rows) {
                if (row instanceof List<?> f && f.size() >= 3 && String.valueOf(f.get(0)).matches("[0-9]{1,10}")
                        && String.valueOf(f.get(1)).matches("[0-9]{1,10}")) {
                    out.add(new Process(Long.parseLong(String.valueOf(f.get(0))), Integer.parseInt(String.valueOf(f.get(1))),
                            String.valueOf(f.get(2))));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<String> exec(String id, List<String> command) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("AttachStdout", true);
        body.put("AttachStderr", false);
        body.put("Cmd", command);
        UnixHttp.Response created = http.send("POST", "/containers/" + encode(id) + "/exec", Json.write(body));
        if (created.status() != 201) {
            return Optional.empty();
        }
        String exec = String.valueOf(Json.at(json(created), "Id"));
        UnixHttp.Response ran = http.send("POST", "/exec/" + encode(exec) + "/start", Json.write(Map.of("Detach", false, "Tty", false)));
        if (ran.status() != 200) {
            return Optional.empty();
        }
        Object code = Json.at(json(call("GET", "/exec/" + encode(exec) + "/json", null, 200)), "ExitCode");
        if (!(code instanceof Long c) || c != 0) {
            return Optional.empty();
        }
        return Optional.of(String.join("\n", demultiplex(ran.body())));
    }

    @Override
    public Optional<PathEntry> path(String id, String path) throws IOException {
        // the first entries are all that is wanted: a folder's own header, and whether another follows
        UnixHttp.Response r = http.send("GET", "/containers/" + encode(id) + "/archive?path=" + encode(path), null, 16 * 1024);
        if (r.status() == 404) {
            return Optional.empty();
        }
        check(r, 200);
        return tarStart(r.body());
    }

    /** The first entry of a tar stream and whether another follows it; extension headers are read past. */
    static Optional<PathEntry> tarStart(byte[] tar) {
        int pos = 0;
        PathEntry first = null;
        while (pos + 512 <= tar.length) {
            if (tar[pos] == 0) {
                break;
            }
            char type = (char) tar[pos + 156];
            long size = octal(tar, pos + 124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                pos += 512 + (int) ((size + 511) / 512 * 512);
                continue;
            }
            if (first != null) {
                return Optional.of(new PathEntry(first.uid(), first.gid(), first.mode(), first.directory(), true));
            }
            first = new PathEntry((int) octal(tar, pos + 108, 8), (int) octal(tar, pos + 116, 8), (int) octal(tar, pos + 100, 8) & 07777,
                    type == '5', false);
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        return Optional.ofNullable(first);
    }

    /** A tar header's octal number: leading spaces and NULs skipped, read up to the first other byte. */
    private static long octal(byte[] b, int from, int length) {
        long v = 0;
        int i = from;
        while (i < from + length && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        for (; i < from + length && b[i] >= '0' && b[i] <= '7'; i++) {
            v = v * 8 + (b[i] - '0');
        }
        return v;
    }

    @Override
    public String createNetwork(String name, Map<String, String> labels) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", name);
        body.put("CheckDuplicate", true);
        body.put("Internal", true);
        body.put("Labels", labels);
        return String.valueOf(Json.at(json(call("POST", "/networks/create", Json.write(body), 201)), "Id"));
    }

    @Override
    public void createVolume(String name, Map<String, String> options, Map<String, String> labels) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", name);
        if (!options.isEmpty()) {
            body.put("Driver", "local");
            body.put("DriverOpts", options);
        }
        body.put("Labels", labels);
        call("POST", "/volumes/create", Json.write(body), 201);
    }

    @Override
    public String createContainer(String name, ContainerSpec spec, List<String> volumes, String network,
                                  Map<String, String> labels) throws IOException {
        String body = Json.write(createBody(spec, volumes, network, labels));
        return String.valueOf(Json.at(json(call("POST", "/containers/create?name=" + encode(name), body, 201)), "Id"));
    }

    /** The body of {@code POST /containers/create}. */
    static Map<String, Object> createBody(ContainerSpec spec, List<String> volumes, String network, Map<String, String> labels) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Image", spec.image());
        if (spec.entrypoint() != null) {
            c.put("Entrypoint", spec.entrypoint());
        }
        if (spec.command() != null) {
            c.put("Cmd", spec.command());
        }
        c.put("Env", spec.env());
        if (spec.user() != null) {
            c.put("User", spec.user());
        }
        if (spec.workingDir() != null) {
            c.put("WorkingDir", spec.workingDir());
        }
        c.put("Labels", labels);
        if (spec.health() != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("Test", spec.health().test());
            h.put("Interval", spec.health().interval());
            h.put("Timeout", spec.health().timeout());
            h.put("Retries", spec.health().retries());
            h.put("StartPeriod", spec.health().startPeriod());
            c.put("Healthcheck", h);
        }
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("NetworkMode", network);
        host.put("CapAdd", spec.capAdd());
        host.put("CapDrop", spec.capDrop());
        host.put("SecurityOpt", spec.securityOpt());
        host.put("ReadonlyRootfs", spec.readOnly());
        host.put("Tmpfs", spec.tmpfs());
        host.put("Privileged", spec.privileged());
        if (spec.init()) {
            host.put("Init", true);
        }
        if (spec.pidsLimit() != null) {
            host.put("PidsLimit", spec.pidsLimit());
        }
        if (spec.memory() != null) {
            host.put("Memory", spec.memory());
        }
        if (spec.memoryReservation() != null) {
            host.put("MemoryReservation", spec.memoryReservation());
        }
        if (spec.nanoCpus() != null) {
            host.put("NanoCpus", spec.nanoCpus());
        }
        if (spec.shmSize() != null) {
            host.put("ShmSize", spec.shmSize());
        }
        if (!spec.sysctls().isEmpty()) {
            host.put("Sysctls", spec.sysctls());
        }
        if (!spec.groupAdd().isEmpty()) {
            host.put("GroupAdd", spec.groupAdd());
        }
        List<Object> mounts = new ArrayList<>();
        for (int i = 0; i < spec.mounts().size(); i++) {
            ContainerSpec.Mount m = spec.mounts().get(i);
            Map<String, Object> mount = new LinkedHashMap<>();
            mount.put("Type", m.volume() ? "volume" : "bind");
            mount.put("Source", m.volume() ? volumes.get(i) : m.source());
            mount.put("Target", m.target());
            mount.put("ReadOnly", m.readOnly());
            if (m.emptyDir()) {
                // an emptyDir starts empty: the engine must not copy the image's folder (and its owner and mode) in
                mount.put("VolumeOptions", Map.of("NoCopy", true));
            }
            mounts.add(mount);
        }
        host.put("Mounts", mounts);
        host.put("LogConfig", Map.of("Type", "json-file", "Config", Map.of()));
        c.put("HostConfig", host);
        return c;
    }

    @Override
    public void start(String id) throws IOException {
        UnixHttp.Response r = http.send("POST", "/containers/" + encode(id) + "/start", null);
        if (r.status() != 204 && r.status() != 304) {
            throw new Refused(message(r));
        }
    }

    @Override
    public State inspect(String id) throws IOException {
        Object c = json(call("GET", "/containers/" + encode(id) + "/json", null, 200));
        Object state = Json.at(c, "State");
        String ip = null;
        if (Json.at(c, "NetworkSettings", "Networks") instanceof Map<?, ?> networks) {
            for (Object n : networks.values()) {
                Object addr = Json.at(n, "IPAddress");
                if (addr != null && !String.valueOf(addr).isBlank()) {
                    ip = String.valueOf(addr);
                }
            }
        }
        Object health = Json.at(state, "Health", "Status");
        Object error = Json.at(state, "Error");
        return new State(Boolean.TRUE.equals(Json.at(state, "Running")),
                Json.at(state, "ExitCode") instanceof Long code ? code.intValue() : -1,
                Boolean.TRUE.equals(Json.at(state, "OOMKilled")),
                health == null ? null : String.valueOf(health), ip,
                error == null || String.valueOf(error).isBlank() ? null : String.valueOf(error));
    }

    @Override
    public List<String> logs(String id, int lines) throws IOException {
        byte[] raw = call("GET", "/containers/" + encode(id) + "/logs?stdout=1&stderr=1&tail=" + lines, null, 200).body();
        return demultiplex(raw);
    }

    /**
     * Splits a log stream into lines. Without a TTY the engine frames each write with 8 bytes: the
     * stream (1 or 2), three zeros, and a big-endian length.
     */
    static List<String> demultiplex(byte[] raw) {
        StringBuilder text = new StringBuilder();
        int pos = 0;
        boolean framed = raw.length >= 8 && (raw[0] == 1 || raw[0] == 2) && raw[1] == 0 && raw[2] == 0 && raw[3] == 0;
        if (!framed) {
            text.append(new String(raw, StandardCharsets.UTF_8));
        } else {
            while (pos + 8 <= raw.length) {
                int size = ((raw[pos + 4] & 0xff) << 24) | ((raw[pos + 5] & 0xff) << 16) | ((raw[pos + 6] & 0xff) << 8) | (raw[pos + 7] & 0xff);
                int end = Math.min(raw.length, pos + 8 + size);
                text.append(new String(raw, pos + 8, end - pos - 8, StandardCharsets.UTF_8));
                pos = end;
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : text.toString().split("\r?\n")) {
            if (!line.isBlank()) {
                out.add(line.stripTrailing());
            }
        }
        return out;
    }

    @Override
    public void removeContainer(String id) throws IOException {
        UnixHttp.Response r = http.send("DELETE", "/containers/" + encode(id) + "?force=1&v=1", null);
        if (r.status() != 204 && r.status() != 404) {
            throw new Refused(message(r));
        }
    }

    @Override
    public void removeVolume(String name) throws IOException {
        UnixHttp.Response r = http.send("DELETE", "/volumes/" + encode(name) + "?force=1", null);
        if (r.status() != 204 && r.status() != 404) {
            throw new Refused(message(r));
        }
    }

    @Override
    public void removeNetwork(String id) throws IOException {
        UnixHttp.Response r = http.send("DELETE", "/networks/" + encode(id), null);
        if (r.status() != 204 && r.status() != 404) {
            throw new Refused(message(r));
        }
    }

    @Override
    public int removeLabelled(String label, String value) throws IOException {
        String filter = encode(Json.write(Map.of("label", List.of(value == null ? label : label + "=" + value))).trim());
        List<String> failures = new ArrayList<>();
        int found = 0;
        if (json(call("GET", "/containers/json?all=1&filters=" + filter, null, 200)) instanceof List<?> containers) {
            for (Object c : containers) {
                found++;
                remove(() -> removeContainer(String.valueOf(Json.at(c, "Id"))), failures);
            }
        }
        if (Json.at(json(call("GET", "/volumes?filters=" + filter, null, 200)), "Volumes") instanceof List<?> vols) {
            for (Object v : vols) {
                found++;
                remove(() -> removeVolume(String.valueOf(Json.at(v, "Name"))), failures);
            }
        }
        if (json(call("GET", "/networks?filters=" + filter, null, 200)) instanceof List<?> networks) {
            for (Object n : networks) {
                found++;
                remove(() -> removeNetwork(String.valueOf(Json.at(n, "Id"))), failures);
            }
        }
        if (!failures.isEmpty()) {
            throw new Refused(String.join("; ", failures));
        }
        return found;
    }

    /** One removal of a sweep; a failure is kept so that the rest of the sweep still happens. */
    private interface Removal {
        void run() throws IOException;
    }

    private static void remove(Removal removal, List<String> failures) {
        try {
            removal.run();
        } catch (IOException e) {
            failures.add(e.getMessage());
        }
    }

    private UnixHttp.Response call(String method, String target, String body, int expected) throws IOException {
        UnixHttp.Response r = http.send(method, target, body);
        check(r, expected);
        return r;
    }

    /** The engine's inspection of an image; null when the engine does not have it (no Id follows from null). */
    private Object imageInspection(String image) throws IOException {
        UnixHttp.Response r = http.send("GET", "/images/" + pathPart(image) + "/json", null);
        if (r.status() == 404) {
            return null;
        }
        check(r, 200);
        return json(r);
    }

    private static void check(UnixHttp.Response r, int expected) throws IOException {
        if (r.status() != expected) {
            throw new Refused(message(r));
        }
    }

    private static String message(UnixHttp.Response r) {
        try {
            Object m = Json.at(Json.parse(r.text()), "message");
            if (m != null) {
                return String.valueOf(m);
            }
        } catch (IllegalArgumentException e) {
            // not JSON: fall through to the raw text
        }
        return "HTTP " + r.status() + ": " + r.text().strip();
    }

    private static Object json(UnixHttp.Response r) {
        return Json.parse(r.text());
    }

    /** Image references and ids are safe in a path as they are; anything else is escaped. */
    private static String pathPart(String s) {
        return s.matches("[A-Za-z0-9._/:@-]+") ? s : encode(s);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
