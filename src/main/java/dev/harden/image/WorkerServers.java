package dev.harden.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Servers whose master process stays root and runs its workers as another user by itself (nginx,
 * Apache httpd, php-fpm), read from the server's own configuration in the image: the worker user, the
 * folders the master writes at start (pid file, logs, run folders) and its listen ports.
 */
final class WorkerServers {
    private static final String NGINX_CONF = "/etc/nginx/nginx.conf";
    private static final Pattern USER = Pattern.compile("(?m)^\\s*user\\s+([^\\s;]+)");
    private static final Pattern PID = Pattern.compile("(?m)^\\s*pid\\s+(/[^\\s;]+)");
    private static final Pattern LISTEN = Pattern.compile("(?m)^[^#\\n]*\\blisten\\s+(?:\\[[^\\]]*\\]:|[0-9.]+:)?([0-9]{1,5})\\b");
    /** Where Debian's and the official image's nginx keep their temp folders (client bodies, proxy buffers). */
    private static final List<String> NGINX_TEMP = List.of("/var/lib/nginx", "/var/cache/nginx");
    private static final List<String> NGINX_CAPABILITIES = List.of("CHOWN", "SETGID", "SETUID");

    /** The official image's, Debian's and Red Hat's (and Alpine's) main Apache configuration. */
    private static final List<String> APACHE_CONFS = List.of("/usr/local/apache2/conf/httpd.conf", "/etc/apache2/apache2.conf",
            "/etc/httpd/conf/httpd.conf", "/etc/apache2/httpd.conf");
    /** Programs that start Apache: the server itself, and the official images' foreground scripts. */
    private static final Set<String> APACHE_PROGRAMS = Set.of("httpd", "apache2", "httpd-foreground", "apache2-foreground",
            "apache2ctl", "apachectl");
    private static final Pattern APACHE_DIRECTIVE = Pattern.compile("(?im)^[ \\t]*(ServerRoot|User|Group|PidFile|ErrorLog|CustomLog"
            + "|TransferLog|DefaultRuntimeDir|Mutex|Listen|Include|IncludeOptional|LoadModule)[ \\t]+(.+?)[ \\t]*$");
    /** Debian's {@code envvars}: {@code export APACHE_RUN_USER=www-data}; the php image's {@code : ${VAR:=value}}. */
    private static final Pattern ENV_EXPORT = Pattern.compile("(?m)^\\s*export\\s+([A-Za-z_][A-Za-z0-9_]*)=(\\S*)");
    private static final Pattern ENV_DEFAULT = Pattern.compile("(?m)^\\s*:\\s+\\$\\{([A-Za-z_][A-Za-z0-9_]*):=([^}]*)}");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    /** The official image's (prefix /usr/local), Red Hat's and Debian's or Alpine's (versioned) php-fpm configuration. */
    private static final List<String> FPM_CONFS = List.of("/usr/local/etc/php-fpm.conf", "/etc/php-fpm.conf");
    private static final Pattern FPM_PROGRAM = Pattern.compile("php-?fpm([0-9.]*)");
    private static final Pattern INI = Pattern.compile("(?m)^[ \\t]*(\\[[^\\]\\n]+]|[a-z_.]+)[ \\t]*(?:=[ \\t]*(.*?))?[ \\t]*$");
    /** Files and includes followed, so that a loop or a huge tree of includes costs little. */
    private static final int MAX_FILES = 200;

    /**
     * What a worker server needs.
     *
     * @param program the server's path, for the sources
     * @param user the worker user, as its configuration names it
     * @param folders the folders its master writes at start, present in the image
     * @param ports the ports it listens on, from its configuration
     * @param config the file the facts come from
     * @param capabilities what its root master needs beyond Docker's nothing: stepping down (SETUID, SETGID), and
     *     CHOWN where it hands files it makes to the workers
     */
    record Worker(String program, String user, List<String> folders, List<Integer> ports, String config, List<String> capabilities) {
        Worker {
            folders = List.copyOf(folders);
            ports = List.copyOf(ports);
            capabilities = List.copyOf(capabilities);
        }
    }

    private WorkerServers() {
    }

    /** The configuration files read: ask {@link ImageFiles} to keep these. */
    static boolean wanted(String path) {
        if (path.startsWith("/etc/nginx/")) {
            return path.endsWith(".conf") || path.startsWith("/etc/nginx/sites-");
        }
        boolean apache = path.startsWith("/usr/local/apache2/conf/") || path.startsWith("/etc/apache2/") || path.startsWith("/etc/httpd/");
        boolean fpm = path.startsWith("/usr/local/etc/php-fpm") || path.startsWith("/etc/php") && path.contains("fpm");
        return (apache || fpm) && (path.endsWith(".conf") || path.endsWith(".load") || path.endsWith("/envvars")
                || path.startsWith("/etc/apache2/sites-enabled/"));
    }

    /**
     * The server a container starts, when it is one of these; {@code program} is its path in the image and
     * {@code env} the image's environment (Apache's configuration names its user through variables).
     */
    static Optional<Worker> of(String program, ImageFiles files, List<String> env) {
        // a name alone is no fact: the server must be in the image, where its configuration is too
        if (files.info(program).isEmpty()) {
            return Optional.empty();
        }
        String name = program.substring(program.lastIndexOf('/') + 1);
        if (name.equals("nginx")) {
            return Optional.of(nginx(program, files));
        }
        if (APACHE_PROGRAMS.contains(name)) {
            return apache(program, files, env);
        }
        Matcher fpm = FPM_PROGRAM.matcher(name);
        if (fpm.matches()) {
            return phpFpm(program, fpm.group(1), files);
        }
        return Optional.empty();
    }

    private static Worker nginx(String program, ImageFiles files) {
        String conf = files.read(NGINX_CONF).orElse("");
        Matcher user = USER.matcher(conf);
        // nginx's compiled-in default is nobody, used when the configuration names no user
        String worker = user.find() ? user.group(1) : "nobody";
        Matcher pid = PID.matcher(conf);
        String pidFile = pid.find() ? pid.group(1) : "/run/nginx.pid";
        List<String> folders = new ArrayList<>();
        String pidDir = folder(pidFile);
        if (!pidDir.equals("/")) {
            folders.add(pidDir);
        }
        NGINX_TEMP.stream().filter(d -> isFolder(files, d)).forEach(folders::add);
        TreeSet<Integer> ports = new TreeSet<>();
        List<String> texts = new ArrayList<>(List.of(conf));
        for (String dir : List.of("/etc/nginx/conf.d", "/etc/nginx/sites-enabled")) {
            files.filesIn(dir).forEach(f -> files.read(f).ifPresent(texts::add));
        }
        for (String text : texts) {
            Matcher m = LISTEN.matcher(text);
            while (m.find()) {
                port(m.group(1), ports);
            }
        }
        return new Worker(program, worker, folders, List.copyOf(ports), NGINX_CONF, NGINX_CAPABILITIES);
    }

    /**
     * Apache httpd: {@code User} (often {@code ${APACHE_RUN_USER}}, set in Debian's {@code envvars}), {@code Listen}
     * ports, and the folders of its pid file, logs and runtime files, in its configuration and the files it includes.
     */
    private static Optional<Worker> apache(String program, ImageFiles files, List<String> env) {
        Optional<String> confPath = APACHE_CONFS.stream().filter(c -> files.read(c).isPresent()).findFirst();
        if (confPath.isEmpty()) {
            return Optional.empty();
        }
        String conf = confPath.get();
        String confDir = folder(conf);
        Map<String, String> vars = new HashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                vars.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        String envvars = files.read(confDir + "/envvars").orElse("");
        Matcher d = ENV_DEFAULT.matcher(envvars);
        while (d.find()) {
            vars.putIfAbsent(d.group(1), expand(d.group(2), vars));
        }
        Matcher x = ENV_EXPORT.matcher(envvars);
        while (x.find()) {
            vars.put(x.group(1), expand(x.group(2).replaceAll("^[\"']|[\"']$", ""), vars));
        }
        // the compiled-in ServerRoot is the folder above conf/ (official image) or the configuration's own (Debian)
        String root = confDir.endsWith("/conf") ? folder(confDir) : confDir;
        Map<String, String> settings = new HashMap<>();
        TreeSet<Integer> ports = new TreeSet<>();
        Set<String> logs = new LinkedHashSet<>();
        Set<String> locks = new LinkedHashSet<>();
        boolean cgid = false;
        Set<String> seen = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(List.of(conf));
        while (!queue.isEmpty() && seen.size() < MAX_FILES) {
            String file = queue.remove(0);
            if (!seen.add(file)) {
                continue;
            }
            Matcher m = APACHE_DIRECTIVE.matcher(files.read(file).orElse(""));
            while (m.find()) {
                String key = m.group(1).toLowerCase(Locale.ROOT);
                String value = expand(m.group(2), vars);
                String first = unquote(value.split("\\s+")[0]);
                switch (key) {
                    case "serverroot" -> root = first;
                    case "listen" -> port(first.replaceAll("^.*:", ""), ports);
                    case "include", "includeoptional" -> queue.addAll(matching(files, absolute(root, first)));
                    case "errorlog", "customlog", "transferlog" -> logs.add(first);
                    case "loadmodule" -> cgid |= first.equals("cgid_module");
                    case "mutex" -> {
                        if (first.startsWith("file:")) {
                            locks.add(first.substring("file:".length()));
                        }
                    }
                    default -> settings.putIfAbsent(key, first);
                }
            }
        }
        String user = settings.get("user");
        if (user == null || user.isBlank() || user.contains("$")) {
            // no user named, or one the configuration leaves to a variable harden cannot resolve: no fact
            return Optional.empty();
        }
        String serverRoot = root;
        List<String> folders = new ArrayList<>();
        String pidFile = absolute(serverRoot, settings.getOrDefault("pidfile", "logs/httpd.pid"));
        addFolder(folders, folder(pidFile), true, files);
        // Debian's apache2ctl makes its run and lock folders before it starts the server
        addFolder(folders, absolute(serverRoot, settings.getOrDefault("defaultruntimedir", "logs")), true, files);
        locks.forEach(l -> addFolder(folders, absolute(serverRoot, l), true, files));
        for (String log : logs) {
            // a pipe to a program, or the container's own output: nothing written in the image
            if (!log.startsWith("|") && !log.startsWith("syslog") && !toOutput(files, absolute(serverRoot, log))) {
                addFolder(folders, folder(absolute(serverRoot, log)), false, files);
            }
        }
        List<String> caps = cgid ? List.of("CHOWN", "SETGID", "SETUID") : List.of("SETGID", "SETUID");
        return Optional.of(new Worker(program, user, folders, List.copyOf(ports), conf, caps));
    }

    /**
     * php-fpm: the {@code user =} of its pools ({@code include}d from {@code php-fpm.d/} or {@code pool.d/}), the
     * ports they listen on, and the folders of its pid file, error log and Unix sockets.
     */
    private static Optional<Worker> phpFpm(String program, String version, ImageFiles files) {
        List<String> confs = new ArrayList<>(FPM_CONFS);
        if (!version.isEmpty()) {
            confs.add(0, "/etc/php/" + version + "/fpm/php-fpm.conf");
            confs.add(1, "/etc/php" + version.replace(".", "") + "/php-fpm.conf");
        }
        Optional<String> confPath = confs.stream().filter(c -> files.read(c).isPresent()).findFirst();
        if (confPath.isEmpty()) {
            return Optional.empty();
        }
        String conf = confPath.get();
        // relative paths are relative to the prefix: /usr/local for /usr/local/etc/php-fpm.conf
        String prefix = conf.startsWith("/usr/local/etc/") ? "/usr/local" : folder(conf);
        String user = null;
        String pid = null;
        String errorLog = null;
        TreeSet<Integer> ports = new TreeSet<>();
        Set<String> sockets = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(List.of(conf));
        while (!queue.isEmpty() && seen.size() < MAX_FILES) {
            String file = queue.remove(0);
            if (!seen.add(file)) {
                continue;
            }
            boolean global = file.equals(conf);
            Matcher m = INI.matcher(files.read(file).orElse(""));
            while (m.find()) {
                String key = m.group(1);
                String value = m.group(2) == null ? "" : unquote(m.group(2).replaceAll("\\s*;.*$", ""));
                if (key.startsWith("[")) {
                    global = key.equals("[global]");
                    continue;
                }
                value = value.replace("$prefix", prefix).replace("${prefix}", prefix);
                switch (key) {
                    case "include" -> queue.addAll(matching(files, absolute(prefix, value)));
                    case "pid" -> pid = global ? absolute(prefix, value) : pid;
                    case "error_log" -> errorLog = global ? absolute(prefix, value) : errorLog;
                    case "user" -> user = !global && user == null ? value : user;
                    case "listen" -> {
                        if (value.startsWith("/")) {
                            sockets.add(folder(value));
                        } else {
                            port(value.replaceAll("^.*:", ""), ports);
                        }
                    }
                    default -> { }
                }
            }
        }
        if (user == null || user.isBlank()) {
            return Optional.empty();
        }
        List<String> folders = new ArrayList<>();
        if (pid != null) {
            addFolder(folders, folder(pid), true, files);
        }
        if (errorLog != null && !errorLog.startsWith("syslog") && !toOutput(files, errorLog)) {
            addFolder(folders, folder(errorLog), false, files);
        }
        sockets.forEach(s -> addFolder(folders, s, true, files));
        // a pool's Unix socket is handed to its listen.owner (the pool's user by default): chown
        List<String> caps = sockets.isEmpty() ? List.of("SETGID", "SETUID") : List.of("CHOWN", "SETGID", "SETUID");
        return Optional.of(new Worker(program, user, folders, List.copyOf(ports), conf, caps));
    }

    /** The files an include names: one file, every file of a folder, or a {@code *} pattern in the last part. */
    private static List<String> matching(ImageFiles files, String pattern) {
        int slash = pattern.lastIndexOf('/');
        String dir = pattern.substring(0, Math.max(1, slash));
        String last = pattern.substring(slash + 1);
        if (!last.contains("*") && !last.contains("?")) {
            return isFolder(files, pattern) ? files.filesIn(pattern) : List.of(pattern);
        }
        Pattern glob = Pattern.compile(Pattern.quote(last).replace("*", "\\E[^/]*\\Q").replace("?", "\\E[^/]\\Q"));
        return files.filesIn(dir).stream().filter(f -> glob.matcher(f.substring(f.lastIndexOf('/') + 1)).matches()).toList();
    }

    /** Adds a folder the server writes: one it creates (its pid or socket folder) always, others when the image has them. */
    private static void addFolder(List<String> folders, String dir, boolean created, ImageFiles files) {
        if (!dir.equals("/") && !folders.contains(dir) && (created || isFolder(files, dir))) {
            folders.add(dir);
        }
    }

    /** Whether a log goes to the container's output: written there, or to a link the image points there. */
    private static boolean toOutput(ImageFiles files, String log) {
        String target = files.link(log).orElse(log);
        return target.startsWith("/dev/") || target.startsWith("/proc/");
    }

    private static boolean isFolder(ImageFiles files, String dir) {
        return files.info(dir).map(e -> e.type() == Tar.Type.DIRECTORY).orElse(false);
    }

    private static String folder(String file) {
        return file.substring(0, Math.max(1, file.lastIndexOf('/')));
    }

    private static String absolute(String root, String path) {
        String p = unquote(path);
        return p.startsWith("/") ? p : (root.endsWith("/") ? root : root + "/") + p;
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))
                ? t.substring(1, t.length() - 1) : t;
    }

    /** {@code ${VAR}} and {@code $VAR} replaced by their values; an unset variable (Debian's {@code $SUFFIX}) is empty. */
    private static String expand(String text, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = vars.get(name);
            // a variable Apache itself would refuse to start without stays visible, so no fact rests on it
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : name.startsWith("APACHE_") ? m.group() : ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void port(String text, Set<Integer> ports) {
        if (text.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                ports.add(port);
            }
        }
    }
}
