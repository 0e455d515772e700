package dev.harden.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Servers whose master process stays root and runs its workers as another user by itself (nginx),
 * read from the server's own configuration in the image: the worker user, the folders the master
 * prepares at start (pid file, temp folders it makes and hands to the workers) and its listen ports.
 */
final class WorkerServers {
    private static final String NGINX_CONF = "/etc/nginx/nginx.conf";
    private static final Pattern USER = Pattern.compile("(?m)^\\s*user\\s+([^\\s;]+)");
    private static final Pattern PID = Pattern.compile("(?m)^\\s*pid\\s+(/[^\\s;]+)");
    private static final Pattern LISTEN = Pattern.compile("(?m)^[^#\\n]*\\blisten\\s+(?:\\[[^\\]]*\\]:|[0-9.]+:)?([0-9]{1,5})\\b");
    /** Where Debian's and the official image's nginx keep their temp folders (client bodies, proxy buffers). */
    private static final List<String> NGINX_TEMP = List.of("/var/lib/nginx", "/var/cache/nginx");

    /**
     * What a worker server needs.
     *
     * @param program the server's path, for the sources
     * @param user the worker user, as its configuration names it
     * @param folders the folders its master writes at start, present in the image
     * @param ports the ports it listens on, from its configuration
     * @param config the file the facts come from
     */
    record Worker(String program, String user, List<String> folders, List<Integer> ports, String config) { }

    private WorkerServers() {
    }

    /** The configuration files read: ask {@link ImageFiles} to keep these. */
    static boolean wanted(String path) {
        return path.startsWith("/etc/nginx/") && (path.endsWith(".conf") || path.startsWith("/etc/nginx/sites-"));
    }

    /** The server a container starts, when it is one of these; {@code program} is its path in the image. */
    static Optional<Worker> of(String program, ImageFiles files) {
        // a name alone is no fact: the server must be in the image, where its configuration is too
        if (!program.substring(program.lastIndexOf('/') + 1).equals("nginx") || files.info(program).isEmpty()) {
            return Optional.empty();
        }
        String conf = files.read(NGINX_CONF).orElse("");
        Matcher user = USER.matcher(conf);
        // nginx's compiled-in default is nobody, used when the configuration names no user
        String worker = user.find() ? user.group(1) : "nobody";
        Matcher pid = PID.matcher(conf);
        String pidFile = pid.find() ? pid.group(1) : "/run/nginx.pid";
        List<String> folders = new ArrayList<>();
        String pidDir = pidFile.substring(0, Math.max(1, pidFile.lastIndexOf('/')));
        if (!pidDir.equals("/")) {
            folders.add(pidDir);
        }
        NGINX_TEMP.stream().filter(d -> files.info(d).map(e -> e.type() == Tar.Type.DIRECTORY).orElse(false))
                .forEach(folders::add);
        TreeSet<Integer> ports = new TreeSet<>();
        List<String> texts = new ArrayList<>(List.of(conf));
        for (String dir : List.of("/etc/nginx/conf.d", "/etc/nginx/sites-enabled")) {
            files.filesIn(dir).forEach(f -> files.read(f).ifPresent(texts::add));
        }
        for (String text : texts) {
            Matcher m = LISTEN.matcher(text);
            while (m.find()) {
                int port = Integer.parseInt(m.group(1));
                if (port > 0 && port < 65536) {
                    ports.add(port);
                }
            }
        }
        return Optional.of(new Worker(program, worker, folders, List.copyOf(ports), NGINX_CONF));
    }
}
