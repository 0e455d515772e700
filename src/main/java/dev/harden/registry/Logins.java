package dev.harden.registry;

import dev.harden.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where registry logins come from, first match wins: {@code HARDEN_REGISTRY_<HOST>_USERNAME} and
 * {@code _PASSWORD} variables, then the Docker config file's credential helper for the host, its
 * {@code credsStore}, and its {@code auths} entries.
 */
public final class Logins {
    private static final long CONFIG_LIMIT = 1 << 20;
    private static final List<String> HUB = List.of(ManifestRef.DOCKER_HUB, "docker.io", "index.docker.io",
            "https://index.docker.io/v1/");

    private final Map<String, String> env;
    private final Map<?, ?> config;
    private final Path helperDir;

    private Logins(Map<String, String> env, Map<?, ?> config, Path helperDir) {
        this.env = env;
        this.config = config;
        this.helperDir = helperDir;
    }

    /** No logins at all: anonymous pulls only. */
    public static Logins none() {
        return new Logins(Map.of(), Map.of(), null);
    }

    /** Logins from this process's {@code HARDEN_REGISTRY_*} variables and the Docker config file ({@code $DOCKER_CONFIG} or {@code ~/.docker}). */
    public static Logins fromEnvironment() {
        Map<String, String> env = System.getenv();
        String dir = env.get("DOCKER_CONFIG");
        Path config = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return of(env, config, null);
    }

    /**
     * Logins from the given variables and Docker config file; credential helpers are looked up in
     * {@code helperDir}, or on {@code PATH} when it is null. An unreadable or malformed config file
     * counts as empty: a login is a convenience, never a reason to stop.
     */
    static Logins of(Map<String, String> env, Path dockerConfig, Path helperDir) {
        Map<?, ?> config = Map.of();
        try {
            if (dockerConfig != null && Files.isRegularFile(dockerConfig) && Files.size(dockerConfig) <= CONFIG_LIMIT
                    && Json.parse(Files.readString(dockerConfig)) instanceof Map<?, ?> m) {
                config = m;
            }
        } catch (IOException | IllegalArgumentException e) {
            config = Map.of();
        }
        return new Logins(Map.copyOf(env), config, helperDir);
    }

    /** The login for a registry host, if any source has one. */
    Optional<Login> forHost(String host) {
        List<String> names = HUB.contains(host) ? HUB : List.of(host);
        for (String name : names) {
            String key = "HARDEN_REGISTRY_" + name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
            String user = env.get(key + "_USERNAME");
            String password = env.get(key + "_PASSWORD");
            if (user != null && password != null && !password.isEmpty()) {
                return Optional.of(new Login(user, password));
            }
        }
        for (String name : names) {
            if (config.get("credHelpers") instanceof Map<?, ?> helpers && helpers.get(name) instanceof String helper) {
                return helper(helper, serverUrl(host));
            }
        }
        if (config.get("credsStore") instanceof String store && !store.isBlank()) {
            Optional<Login> login = helper(store, serverUrl(host));
            if (login.isPresent()) {
                return login;
            }
        }
        if (config.get("auths") instanceof Map<?, ?> auths) {
            for (Map.Entry<?, ?> e : auths.entrySet()) {
                if (e.getKey() instanceof String key && names.contains(hostOf(key)) && e.getValue() instanceof Map<?, ?> entry) {
                    Optional<Login> login = fromAuthEntry(entry);
                    if (login.isPresent()) {
                        return login;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String serverUrl(String host) {
        return HUB.contains(host) ? "https://index.docker.io/v1/" : host;
    }

    /** {@code https://index.docker.io/v1/} becomes {@code index.docker.io}; a bare host stays as it is. */
    static String hostOf(String key) {
        String h = key.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        int slash = h.indexOf('/');
        return slash >= 0 ? h.substring(0, slash) : h;
    }

    private static Optional<Login> fromAuthEntry(Map<?, ?> entry) {
        if (entry.get("auth") instanceof String auth && !auth.isBlank()) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && colon < pair.length() - 1) {
                    return Optional.of(new Login(pair.substring(0, colon), pair.substring(colon + 1)));
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (entry.get("username") instanceof String u && entry.get("password") instanceof String p && !p.isEmpty()) {
            return Optional.of(new Login(u, p));
        }
        return Optional.empty();
    }

    /** Asks {@code docker-credential-NAME get}, the credential helper protocol, with a bounded wait. */
    private Optional<Login> helper(String name, String serverUrl) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            return Optional.empty();
        }
        Optional<Path> program = findHelper("docker-credential-" + name);
        if (program.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(program.get().toString(), "get")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out;
            try (InputStream stdout = p.getInputStream()) {
                out = stdout.readNBytes((int) CONFIG_LIMIT);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            if (p.exitValue() != 0 || !(Json.parse(new String(out, StandardCharsets.UTF_8)) instanceof Map<?, ?> m)) {
                return Optional.empty();
            }
            // "<token>" marks an identity (refresh) token, which needs an OAuth exchange harden does not do.
            if (m.get("Username") instanceof String u && !u.equals("<token>") && m.get("Secret") instanceof String s && !s.isEmpty()) {
                return Optional.of(new Login(u, s));
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<Path> findHelper(String program) {
        if (helperDir != null) {
            Path p = helperDir.resolve(program);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, program);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
