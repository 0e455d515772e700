package dev.harden.image;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an image needs, read from its config and files without running it: the user it runs as
 * (names resolved through its own {@code /etc/passwd}), whether its entrypoint starts as root and
 * steps down (gosu, su-exec, setpriv, runuser, s6-setuidgid, chroot --userspec, su) and the
 * capabilities that takes, the folders its user must write (a folder with content gets a volume,
 * never a tmpfs that would hide it), and low ports. Each fact names its source.
 */
final class ImageInspection {
    private static final Pattern STEP_DOWN = Pattern.compile(
            "(?m)^[^#\\n]*?\\b(gosu|su-exec|setpriv|runuser|s6-setuidgid|chroot\\s+--userspec(?:=|\\s+)|su\\s+(?:-[a-z]+\\s+)*)"
                    + "\\s*(?:--reuid[= ]|-u\\s+)?\"?([A-Za-z0-9_.${}:-]+)");
    /** Only picks the settings out; what a flag means is the resource-limits rule's one parser's business. */
    private static final Pattern HEAP_FLAG = Pattern.compile("-Xm[sx][0-9]");
    private static final Pattern SCRIPT_HEAP = Pattern.compile("-Xm[sx][0-9]{1,9}[kKmMgGtT]?(?![0-9A-Za-z])");
    private static final Pattern RAM_PERCENTAGE = Pattern.compile("-XX:(?:Max|Initial|Min)RAMPercentage=[0-9.]+");
    /** Scripts read for heap settings: the entrypoint's and the command's, not every file they call. */
    private static final int MAX_SCRIPTS = 4;
    private static final Pattern CHOWN = Pattern.compile("(?m)^[^#\\n]*\\bchown\\b");
    private static final Pattern CHMOD = Pattern.compile("(?m)^[^#\\n]*\\bchmod\\b");
    private static final List<String> SHELLS = List.of("/bin/sh", "/bin/bash", "sh", "bash", "/usr/bin/env");
    private static final List<String> INITS = List.of("tini", "/tini", "/usr/bin/tini", "/sbin/tini", "dumb-init",
            "/usr/bin/dumb-init", "/usr/local/bin/dumb-init");
    private static final Set<String> SYSTEM = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64",
            "/proc", "/root", "/sbin", "/sys", "/usr", "/var", "/opt", "/srv", "/mnt", "/media");

    private ImageInspection() {
    }

    /** The paths whose bytes the inspection reads: ask {@link ImageFiles} to keep these. */
    static boolean wanted(String path, ImageConfig config) {
        return path.equals("/etc/passwd") || path.equals("/etc/group") || path.contains("entrypoint")
                || script(config).map(s -> path.equals(s) || path.endsWith("/" + s)).orElse(false)
                || programs(config).stream().anyMatch(s -> path.equals(s) || path.endsWith("/" + s))
                || path.startsWith("/usr/local/bin/") || path.startsWith("/docker-entrypoint.d/") || WorkerServers.wanted(path);
    }

    /** The program the container starts: the entrypoint's first word past any init, else the command's. */
    private static Optional<String> script(ImageConfig config) {
        List<String> words = new ArrayList<>(config.entrypoint());
        words.addAll(config.cmd());
        int i = 0;
        while (i < words.size() && (INITS.contains(words.get(i)) || words.get(i).equals("--") || words.get(i).startsWith("-g"))) {
            i++;
        }
        if (i < words.size() && SHELLS.contains(words.get(i)) && i + 1 < words.size() && words.get(i + 1).startsWith("/")) {
            i++;
        }
        return i < words.size() ? Optional.of(words.get(i)) : Optional.empty();
    }

    /** The words of the entrypoint and command that can name a script: neither options nor shell text. */
    private static List<String> programs(ImageConfig config) {
        List<String> words = new ArrayList<>(config.entrypoint());
        words.addAll(config.cmd());
        return words.stream().filter(w -> !w.isBlank() && !w.startsWith("-") && w.matches("[A-Za-z0-9_./+@-]+")).distinct().toList();
    }

    /**
     * The JVM heap settings in the scripts the entrypoint and command name ({@code -Xmx512m} in
     * {@code ${JAVA_OPTS:--Xmx512m}}, an {@code export ES_JAVA_OPTS=...}), each as {@code image files: PATH: FLAG};
     * a {@code -XX:MaxRAMPercentage} (a share of the limit, no floor) only becomes a source.
     */
    private static List<String> scriptHeap(ImageConfig config, ImageFiles files, List<String> sources) {
        List<String> out = new ArrayList<>();
        int read = 0;
        for (String word : programs(config)) {
            Optional<String> text = files.read(onPath(word, config, files)).filter(t -> t.startsWith("#!") && t.indexOf('\0') < 0);
            if (text.isEmpty() || read++ >= MAX_SCRIPTS) {
                continue;
            }
            String path = onPath(word, config, files);
            Set<String> flags = new LinkedHashSet<>();
            Set<String> shares = new LinkedHashSet<>();
            for (String line : text.get().split("\n")) {
                if (line.strip().startsWith("#")) {
                    continue;
                }
                SCRIPT_HEAP.matcher(line).results().forEach(r -> flags.add(r.group()));
                RAM_PERCENTAGE.matcher(line).results().forEach(r -> shares.add(r.group()));
            }
            flags.forEach(f -> out.add("image files: " + path + ": " + f));
            if (!flags.isEmpty()) {
                sources.add("image files: " + path + " sets a JVM heap (" + String.join(" ", flags) + ")");
            }
            if (!shares.isEmpty()) {
                sources.add("image files: " + path + " sizes the JVM heap as a share of the memory limit ("
                        + String.join(" ", shares) + ")");
            }
        }
        return out;
    }

    /** A program named without a folder, found the way the runtime finds it: along the image's PATH. */
    private static String onPath(String program, ImageConfig config, ImageFiles files) {
        if (program.contains("/")) {
            return program;
        }
        String path = config.env().stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).findFirst()
                .orElse("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            String candidate = (dir.endsWith("/") ? dir : dir + "/") + program;
            if (dir.startsWith("/") && files.info(candidate).isPresent()) {
                return candidate;
            }
        }
        return "/" + program;
    }

    /**
     * The facts, as {@link ImageFacts} with evidence {@code image} and a source line per fact.
     *
     * @param name the repository the facts are for
     * @param digest the image's digest, for the sources
     */
    static ImageFacts derive(String name, String digest, ImageConfig config, ImageFiles files) {
        List<String> sources = new ArrayList<>();
        String at = digest == null ? "" : " of " + digest;
        Users users = new Users(files.read("/etc/passwd").orElse(""), files.read("/etc/group").orElse(""));
        String user = config.user().isBlank() ? "0" : config.user();
        String userPart = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        String groupPart = user.contains(":") ? user.substring(user.indexOf(':') + 1) : null;
        Optional<Integer> uid = users.uid(userPart);
        boolean root = uid.map(u -> u == 0).orElse(true);
        String runsAs = root ? "root" : String.valueOf(uid.get());
        sources.add("image config" + at + ": USER " + (config.user().isBlank() ? "(none: root)" : config.user())
                + (uid.isPresent() && !userPart.matches("[0-9]+") ? " = uid " + uid.get() + " (/etc/passwd)" : "")
                + (uid.isEmpty() ? " (not in /etc/passwd: treated as root)" : ""));
        String nonRootUid = null;
        if (!root) {
            int gid = groupPart != null ? users.gid(groupPart).orElse(0) : users.primaryGid(uid.get()).orElse(0);
            nonRootUid = uid.get() + ":" + gid;
        }

        Set<String> caps = new TreeSet<>();
        boolean stepsDown = false;
        Integer stepUid = null;
        Optional<String> program = script(config).map(p -> onPath(p, config, files));
        Optional<String> text = program.flatMap(files::read);
        if (root && text.isPresent() && text.get().startsWith("#!")) {
            Matcher m = STEP_DOWN.matcher(text.get());
            if (m.find()) {
                stepsDown = true;
                caps.add("SETUID");
                caps.add("SETGID");
                String target = m.group(2).replaceAll("[\"']", "");
                String targetUser = target.contains(":") ? target.substring(0, target.indexOf(':')) : target;
                stepUid = users.uid(targetUser).filter(u -> u != 0).orElse(null);
                sources.add("image files: " + program.get() + " steps down with " + m.group(1).strip().split("\\s+")[0]
                        + (stepUid != null ? " to uid " + stepUid : ""));
            }
            if (CHOWN.matcher(text.get()).find()) {
                caps.add("CHOWN");
                sources.add("image files: " + program.get() + " runs chown");
            }
            if (CHMOD.matcher(text.get()).find()) {
                caps.add("FOWNER");
                sources.add("image files: " + program.get() + " runs chmod");
            }
        }
        List<Integer> ports = config.ports();
        if (ports.stream().anyMatch(p -> p > 0 && p < 1024)) {
            caps.add("NET_BIND_SERVICE");
            sources.add("image config" + at + ": exposes port " + ports.stream().filter(p -> p < 1024).findFirst().orElseThrow()
                    + " (below 1024)");
        }
        Optional<WorkerServers.Worker> worker = root && !stepsDown ? server(config, files, program) : Optional.empty();
        List<String> startFolders = new ArrayList<>();
        if (worker.isPresent()) {
            WorkerServers.Worker w = worker.get();
            stepsDown = true;
            caps.addAll(w.capabilities());
            stepUid = users.uid(w.user()).filter(u -> u != 0).orElse(null);
            sources.add("image files: " + w.config() + ": " + w.program() + " stays root and runs its workers as " + w.user()
                    + (stepUid != null ? " (uid " + stepUid + ")" : "")
                    + (w.capabilities().contains("CHOWN") ? ", handing them the folders it makes (chown)" : ""));
            startFolders.addAll(w.folders());
            TreeSet<Integer> all = new TreeSet<>(ports);
            all.addAll(w.ports());
            ports = List.copyOf(all);
            w.ports().stream().filter(p -> p < 1024).findFirst().ifPresent(p -> {
                caps.add("NET_BIND_SERVICE");
                sources.add("image files: " + w.config() + ": " + w.program() + " listens on port " + p + " (below 1024)");
            });
        }

        Set<String> data = new LinkedHashSet<>();
        for (String v : config.volumes()) {
            data.add(v.endsWith("/") && v.length() > 1 ? v.substring(0, v.length() - 1) : v);
        }
        if (!config.volumes().isEmpty()) {
            sources.add("image config" + at + ": VOLUME " + String.join(" ", config.volumes()));
        }
        Set<String> writable = new LinkedHashSet<>();
        writable.add("/tmp");
        // A tmpfs is owned by root unless it is made with an owner, which serves only an empty folder of
        // the user the image runs as from the start: a folder with content, or one the user an
        // entrypoint steps down to must write, needs a volume (which copies owner and content), so
        // until one is there the root filesystem stays writable rather than break the service.
        List<String> needVolume = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        Integer writer = !root ? uid.get() : stepUid;
        if (writer != null) {
            for (String dir : files.foldersOwnedBy(writer)) {
                if (SYSTEM.contains(dir) || data.stream().anyMatch(d -> dir.equals(d) || dir.startsWith(d + "/"))) {
                    continue;
                }
                if (!root && !files.hasContent(dir)) {
                    // it runs as its owner from the start, so a tmpfs made with that owner serves it and hides nothing
                    writable.add(dir);
                    owned.add(dir);
                    sources.add("image files: " + dir + " is owned by uid " + writer + " and empty");
                    continue;
                }
                data.add(dir);
                needVolume.add(dir);
                sources.add("image files: " + dir + " is owned by uid " + writer
                        + (files.hasContent(dir) ? " and has content" : ""));
            }
        }
        List<String> hidden = new ArrayList<>();
        for (String dir : startFolders) {
            if (files.hasContent(dir)) {
                hidden.add(dir);
                data.add(dir);
            } else {
                writable.add(dir);
            }
            sources.add("image files: " + worker.orElseThrow().config() + ": " + worker.orElseThrow().program() + " writes " + dir + " at start"
                    + (files.hasContent(dir) ? ", which has content" : ""));
        }
        List<String> why = new ArrayList<>();
        if (!needVolume.isEmpty()) {
            why.add("uid " + writer + " writes " + String.join(", ", needVolume)
                    + " (image files), and a tmpfs there would be owned by root");
        }
        if (!hidden.isEmpty()) {
            why.add(worker.orElseThrow().program() + " writes " + String.join(", ", hidden)
                    + " at start (image files), and a tmpfs there would hide what the image holds there");
        }
        String notes = why.isEmpty() ? null : String.join("; ", why) + ": mount a volume there, then make the root read-only";
        String base = config.labels().get("org.opencontainers.image.base.name");
        if (base != null && !base.isBlank()) {
            sources.add("image config" + at + ": built from " + base);
        }
        List<String> memory = new ArrayList<>(memoryHints(config));
        if (!memory.isEmpty()) {
            sources.add("image config" + at + ": sets a JVM heap (" + String.join("; ", memory) + ")");
        }
        memory.addAll(scriptHeap(config, files, sources));
        return new ImageFacts(name, runsAs, stepsDown, nonRootUid, List.copyOf(caps), List.copyOf(writable), List.copyOf(data),
                why.isEmpty(), true, ports, "image", sources, notes, memory, owned);
    }

    /**
     * The server the container starts when it is one that runs workers as another user: the program
     * itself, or the command an entrypoint script passes on to ({@code exec "$@"}).
     */
    private static Optional<WorkerServers.Worker> server(ImageConfig config, ImageFiles files, Optional<String> program) {
        Optional<WorkerServers.Worker> direct = program.flatMap(p -> WorkerServers.of(p, files, config.env()));
        if (direct.isPresent() || config.entrypoint().isEmpty() || config.cmd().isEmpty()) {
            return direct;
        }
        return WorkerServers.of(onPath(config.cmd().get(0), config, files), files, config.env());
    }

    /** The config's environment entries and entrypoint or command words that name a JVM heap, as written. */
    static List<String> memoryHints(ImageConfig config) {
        List<String> out = new ArrayList<>();
        config.env().stream().filter(e -> HEAP_FLAG.matcher(e).find()).forEach(out::add);
        config.entrypoint().stream().filter(w -> HEAP_FLAG.matcher(w).find()).forEach(w -> out.add("Entrypoint: " + w));
        config.cmd().stream().filter(w -> HEAP_FLAG.matcher(w).find()).forEach(w -> out.add("Cmd: " + w));
        return out;
    }

    /** An image's own user database. */
    static final class Users {
        private final List<String[]> passwd = new ArrayList<>();
        private final List<String[]> group = new ArrayList<>();

        Users(String passwdText, String groupText) {
            for (String line : passwdText.split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && !line.startsWith("#")) {
                    passwd.add(f);
                }
            }
            for (String line : groupText.split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && !line.startsWith("#")) {
                    group.add(f);
                }
            }
        }

        Optional<Integer> uid(String user) {
            if (user.matches("[0-9]{1,9}")) {
                return Optional.of(Integer.parseInt(user));
            }
            if (user.equals("root")) {
                return Optional.of(0);
            }
            return passwd.stream().filter(f -> f[0].equals(user)).findFirst().flatMap(f -> number(f[2]));
        }

        Optional<Integer> primaryGid(int uid) {
            return passwd.stream().filter(f -> number(f[2]).equals(Optional.of(uid))).findFirst().flatMap(f -> number(f[3]));
        }

        Optional<Integer> gid(String g) {
            if (g.matches("[0-9]{1,9}")) {
                return Optional.of(Integer.parseInt(g));
            }
            return group.stream().filter(f -> f[0].equals(g)).findFirst().flatMap(f -> number(f[2]));
        }

        private static Optional<Integer> number(String s) {
            return s.matches("[0-9]{1,9}") ? Optional.of(Integer.parseInt(s)) : Optional.empty();
        }

        @Override
        public String toString() {
            return passwd.size() + " users, " + group.size() + " groups".toLowerCase(Locale.ROOT);
        }
    }
}
