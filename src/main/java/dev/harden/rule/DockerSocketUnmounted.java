package dev.harden.rule;

import dev.harden.manifest.ComposeService;
import java.util.Set;

/** docker-socket-unmounted: no Compose service mounts the Docker socket, nor a host folder that holds it. */
final class DockerSocketUnmounted extends Rule<Void> implements ComposeRule<Void> {
    private static final Set<String> DOCKER_SOCKETS = Set.of("/var/run/docker.sock", "/run/docker.sock");
    /** Host folders that hold the Docker socket, so mounting one mounts the socket. */
    private static final Set<String> SOCKET_FOLDERS = Set.of("/", "/var", "/var/run", "/run");

    DockerSocketUnmounted() {
        super("docker-socket-unmounted");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        for (ComposeService.Mount m : c.service().mounts()) {
            String source = HostPaths.normalise(m.source());
            if (source != null && SOCKET_FOLDERS.contains(source)) {
                c.open(m.node(), "mounts " + (source.equals("/") ? "the host's root filesystem (" + m.source() + ")"
                        : "the host folder " + m.source()) + ", which holds the Docker socket and so gives control of the host", false);
            } else if (source != null && (DOCKER_SOCKETS.contains(source) || source.endsWith("/docker.sock"))
                    || DOCKER_SOCKETS.contains(String.valueOf(HostPaths.normalise(m.target())))) {
                c.open(m.node(), "mounts the Docker socket (" + m.source() + "), which gives control of the host", false);
            }
        }
    }
}
