package dev.harden.verify;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Quantities;
import dev.harden.manifest.Variables;
import dev.harden.yaml.Node;
import dev.harden.yaml.Plain;
import dev.harden.yaml.Scalar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a Compose service into the options of one container, the way Compose would create it. */
final class ComposeTranslation {
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us|ns)");

    private final Path folder;
    private final Map<String, String> variables;
    private final Variables substitution;
    private final boolean outsideAllowed;
    private final Redaction redaction;

    ComposeTranslation(Path folder, Map<String, String> variables) {
        this(folder, variables, false, new Redaction());
    }

    /**
     * @param folder the Compose file's folder, the project folder: relative bind mounts and env files start there
     * @param variables what {@code ${VAR}} expands to: the folder's {@code .env} and {@code --env}, never harden's environment
     * @param outsideAllowed whether env files outside the folder may be read ({@code --allow-host-access})
     * @param redaction learns the values read from env files, to mask them in what verify shows
     */
    ComposeTranslation(Path folder, Map<String, String> variables, boolean outsideAllowed, Redaction redaction) {
        this.folder = folder;
        this.variables = Map.copyOf(variables);
        this.substitution = Variables.of(variables);
        this.outsideAllowed = outsideAllowed;
        this.redaction = redaction;
    }

    /**
     * The variables verify substitutes: the folder's {@code .env} file, overridden by {@code explicit}
     * ({@code --env}). harden's own environment is never among them: it holds the forge token.
     */
    static Map<String, String> variables(Path folder, Map<String, String> explicit, boolean outsideAllowed) {
        Path dotEnv = folder.resolve(".env");
        Map<String, String> vars = new LinkedHashMap<>(outsideAllowed || HostAccess.inside(folder, dotEnv)
                ? readEnvFile(dotEnv) : Map.of());
        vars.putAll(explicit);
        return vars;
    }

    /** The options for one service; {@code facts} adds the ports the image is known to listen on. */
    ContainerSpec translate(ComposeService s, ImageFacts facts) {
        ComposeFile file = s.file();
        Object limits = at(value(s, "deploy"), "resources", "limits");
        Object reservations = at(value(s, "deploy"), "resources", "reservations");
        Long memory = bytes(first(text(s, "mem_limit"), str(at(limits, "memory"))));
        Long reservation = bytes(first(text(s, "mem_reservation"), str(at(reservations, "memory"))));
        String cpus = first(text(s, "cpus"), str(at(limits, "cpus")));
        Long nanoCpus = cpus == null ? null : Math.round(Double.parseDouble(cpus) * 1e9);
        String pids = first(text(s, "pids_limit"), str(at(limits, "pids")));
        Map<String, String> tmpfs = new LinkedHashMap<>();
        for (String t : list(s, "tmpfs")) {
            String[] parts = t.split(":", 2);
            tmpfs.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        Object volumes = value(s, "volumes");
        if (volumes instanceof List<?> items) {
            for (Object item : items) {
                mount(item, file, mounts, tmpfs);
            }
        }
        Set<Integer> ports = new LinkedHashSet<>();
        for (String p : list(s, "expose")) {
            port(p, ports);
        }
        if (value(s, "ports") instanceof List<?> published) {
            for (Object p : published) {
                if (p instanceof Map<?, ?> m && m.get("target") != null) {
                    port(String.valueOf(m.get("target")), ports);
                } else if (p != null) {
                    String spec = String.valueOf(p);
                    port(spec.substring(spec.lastIndexOf(':') + 1), ports);
                }
            }
        }
        ports.addAll(facts.ports());
        return new ContainerSpec(s.name(), text(s, "image"), words(value(s, "entrypoint")), words(value(s, "command")),
                environment(s), text(s, "user"), text(s, "working_dir"), list(s, "cap_add"), list(s, "cap_drop"),
                list(s, "security_opt"), "true".equalsIgnoreCase(text(s, "read_only")), tmpfs,
                pids == null ? null : Long.parseLong(pids.trim()), memory, reservation, nanoCpus, mounts, health(s),
                "true".equalsIgnoreCase(text(s, "privileged")), "true".equalsIgnoreCase(text(s, "init")),
                bytes(text(s, "shm_size")), stringMap(value(s, "sysctls")), list(s, "group_add"), new ArrayList<>(ports),
                "none".equals(text(s, "network_mode")));
    }

    private void mount(Object item, ComposeFile file, List<ContainerSpec.Mount> mounts, Map<String, String> tmpfs) {
        if (item instanceof Map<?, ?> m) {
            String type = str(m.get("type"));
            String source = interpolate(str(m.get("source")));
            String target = str(m.get("target"));
            boolean ro = Boolean.TRUE.equals(m.get("read_only"));
            if ("tmpfs".equals(type)) {
                Object size = at(m, "tmpfs", "size");
                Object mode = at(m, "tmpfs", "mode");
                List<String> opts = new ArrayList<>();
                if (size != null) {
                    opts.add("size=" + size);
                }
                if (mode != null) {
                    opts.add("mode=" + (mode instanceof Long l ? Long.toOctalString(l) : mode));
                }
                tmpfs.put(target, String.join(",", opts));
            } else if ("bind".equals(type)) {
                mounts.add(new ContainerSpec.Mount(false, hostPathText(source), target, ro));
            } else if (target != null) {
                mounts.add(new ContainerSpec.Mount(true, source == null ? "" : source, target, ro));
            }
            return;
        }
        String spec = interpolate(String.valueOf(item));
        String[] parts = spec.split(":");
        if (parts.length == 1) {
            mounts.add(new ContainerSpec.Mount(true, "", parts[0], false));
            return;
        }
        String target = parts[1];
        boolean ro = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
        String bind = hostSource(spec);
        mounts.add(bind != null ? new ContainerSpec.Mount(false, hostPathText(bind), target, ro)
                : new ContainerSpec.Mount(true, parts[0], target, ro));
    }

    /**
     * The host path a volume item (as plain data) binds, as written with variables substituted; null
     * for a named or anonymous volume or a tmpfs.
     */
    String bindSource(Object item) {
        if (item instanceof Map<?, ?> m) {
            return "bind".equals(str(m.get("type"))) ? interpolate(str(m.get("source"))) : null;
        }
        return item == null || item instanceof List<?> ? null : hostSource(interpolate(String.valueOf(item)));
    }

    /** The source of a short-syntax volume ({@code ./data:/data:ro}, substituted) when it is a host path, else null. */
    private static String hostSource(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2) {
            return null;
        }
        String source = parts[0];
        return source.startsWith("/") || source.startsWith(".") || source.startsWith("~") ? source : null;
    }

    /** A bind mount's source as an absolute host path: relative to the Compose file's folder, {@code ~} the user's home. */
    Path hostPath(String source) {
        return Path.of(hostPathText(source));
    }

    private String hostPathText(String source) {
        if (source.startsWith("~")) {
            return System.getProperty("user.home") + source.substring(1);
        }
        return folder.resolve(source).toAbsolutePath().normalize().toString();
    }

    private List<String> environment(ComposeService s) {
        Map<String, String> env = new LinkedHashMap<>();
        for (HostAccess.Item f : HostAccess.envFiles(s.get("env_file"))) {
            Path file = folder.resolve(interpolate(f.text()));
            if (!outsideAllowed && !HostAccess.inside(folder, file)) {
                throw new IllegalArgumentException("env_file " + f.text() + " is outside the project folder");
            }
            Map<String, String> values = readEnvFile(file);
            redaction.addAll(values);
            env.putAll(values);
        }
        Object e = value(s, "environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> put(env, String.valueOf(k), v == null ? null : interpolate(String.valueOf(v))));
        } else if (e instanceof List<?> l) {
            for (Object item : l) {
                String[] kv = interpolate(String.valueOf(item)).split("=", 2);
                put(env, kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** A variable without a value takes the value of a variable of that name ({@code .env}, {@code --env}), or is left out. */
    private void put(Map<String, String> env, String key, String value) {
        String v = value != null ? value : variables.get(key);
        if (v != null) {
            env.put(key, v);
        } else {
            env.remove(key);
        }
    }

    private ContainerSpec.Health health(ComposeService s) {
        if (!(value(s, "healthcheck") instanceof Map<?, ?> h) || Boolean.TRUE.equals(h.get("disable"))) {
            return null;
        }
        List<String> test = new ArrayList<>();
        Object t = h.get("test");
        if (t instanceof List<?> l) {
            l.forEach(x -> test.add(interpolate(String.valueOf(x))));
        } else if (t != null) {
            test.add("CMD-SHELL");
            test.add(interpolate(String.valueOf(t)));
        }
        if (test.isEmpty() || test.get(0).equals("NONE")) {
            return null;
        }
        int retries = h.get("retries") instanceof Long r ? r.intValue() : 0;
        return new ContainerSpec.Health(test, nanos(h.get("interval")), nanos(h.get("timeout")), retries,
                nanos(h.get("start_period")));
    }

    /** Compose durations: {@code 1m30s}, {@code 500ms}, {@code 10s}; 0 when absent. */
    static long nanos(Object value) {
        if (value == null) {
            return 0;
        }
        Matcher m = DURATION.matcher(String.valueOf(value).trim());
        double total = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            total += n * switch (m.group(2)) {
                case "h" -> 3600e9;
                case "m" -> 60e9;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us" -> 1e3;
                default -> 1;
            };
            end = m.end();
        }
        if (end == 0 || end != String.valueOf(value).trim().length()) {
            throw new IllegalArgumentException("not a duration: '" + value + "'");
        }
        return (long) total;
    }

    /** Compose byte values: {@code 512M}, {@code 1g}, {@code 1024}; null when absent. */
    static Long bytes(String value) {
        Long n = Quantities.bytes(value);
        if (value != null && n == null) {
            throw new IllegalArgumentException("not a size: '" + value + "'");
        }
        return n;
    }

    /** A command or entrypoint: a list as is, a string split like a shell would (Compose does the same). */
    private List<String> words(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(interpolate(String.valueOf(x))));
            return out;
        }
        return split(interpolate(String.valueOf(value)));
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }

    /** Substitutes {@code ${VAR}}, {@code ${VAR:-default}}, {@code $VAR}, {@code $$} and the rest as Compose does. */
    String interpolate(String text) {
        return substitution.substitute(text);
    }

    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                continue;
            }
            String[] kv = l.split("=", 2);
            String v = kv[1].trim();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(kv[0].trim().replaceFirst("^export\\s+", ""), v);
        }
        return out;
    }

    private static void port(String spec, Set<Integer> ports) {
        String p = spec.split("/", 2)[0].trim();
        if (p.matches("[0-9]+")) {
            ports.add(Integer.parseInt(p));
        }
    }

    /** A key's value as Compose sees it (merges and same-file extends applied), as plain Java data. */
    private Object value(ComposeService s, String key) {
        Optional<Node> n = s.get(key);
        return n.map(Plain::of).orElse(null);
    }

    private String text(ComposeService s, String key) {
        Optional<Node> n = s.get(key);
        if (n.isEmpty() || !(n.get() instanceof Scalar sc) || sc.isNull()) {
            return null;
        }
        return interpolate(sc.value());
    }

    private List<String> list(ComposeService s, String key) {
        List<String> out = new ArrayList<>();
        s.list(key).forEach(x -> out.add(interpolate(x)));
        return out;
    }

    private Map<String, String> stringMap(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), interpolate(String.valueOf(v))));
        } else if (value instanceof List<?> l) {
            for (Object item : l) {
                String[] kv = String.valueOf(item).split("=", 2);
                out.put(kv[0], kv.length > 1 ? interpolate(kv[1]) : "");
            }
        }
        return out;
    }

    private static Object at(Object root, String... keys) {
        Object v = root;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(k);
        }
        return v;
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
