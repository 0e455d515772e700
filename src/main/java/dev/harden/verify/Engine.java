package dev.harden.verify;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The few container-engine operations verify needs; the Docker Engine API implements them. */
interface Engine {
    /** What the engine says it is, e.g. {@code Docker 20.10.24}; throws when it cannot be reached. */
    String version() throws IOException;

    /** The local image, or empty when the engine does not have it (verify never pulls). */
    Optional<Image> image(String image) throws IOException;

    /** Creates a network without a route out; returns its id. */
    String createNetwork(String name, Map<String, String> labels) throws IOException;

    /** Creates a volume; {@code options} are the local driver's ({@code type}, {@code device}, {@code o}), empty for none. */
    void createVolume(String name, Map<String, String> options, Map<String, String> labels) throws IOException;

    /**
     * Creates a container; returns its id.
     *
     * @param volumes the engine volume to use for each mount of the spec, in order (null for bind mounts)
     * @param network the network to join, or {@code none}
     */
    String createContainer(String name, ContainerSpec spec, List<String> volumes, String network, Map<String, String> labels)
            throws IOException;

    void start(String id) throws IOException;

    State inspect(String id) throws IOException;

    /** The last lines the container wrote to standard output and error. */
    List<String> logs(String id, int lines) throws IOException;

    void removeContainer(String id) throws IOException;

    void removeVolume(String name) throws IOException;

    void removeNetwork(String id) throws IOException;

    /** Removes every container, then volume, then network carrying {@code label=value}; returns how many. */
    int removeLabelled(String label, String value) throws IOException;

    /** What identifies a local image and what its config declares, or empty when the engine does not have it. */
    default Optional<ImageDetail> imageDetail(String image) throws IOException {
        return image(image).map(i -> new ImageDetail(i.id(), List.of(), i.user(), List.of(), List.of(), List.of()));
    }

    /** The paths a container changed against its image ({@code GET /containers/{id}/changes}); empty when the engine cannot tell. */
    default List<Change> changes(String id) throws IOException {
        return List.of();
    }

    /** A running container's processes as the host's {@code ps} sees them; empty when the engine cannot tell. */
    default List<Process> processes(String id) throws IOException {
        return List.of();
    }

    /**
     * Runs a command in a running container and returns what it printed, or empty when it could not
     * run there (no such program: a distroless or scratch image) or failed.
     */
    default Optional<String> exec(String id, List<String> command) throws IOException {
        return Optional.empty();
    }

    /**
     * A path in a container (created or running) as the engine's archive of it shows: owner, mode and
     * whether a folder holds anything; empty when the path does not exist there.
     */
    default Optional<PathEntry> path(String id, String path) throws IOException {
        return Optional.empty();
    }

    /**
     * A local image.
     *
     * @param id its id
     * @param user the user its configuration starts the process as ({@code ""} for root)
     */
    record Image(String id, String user) { }

    /**
     * A local image as {@code GET /images/{name}/json} describes it.
     *
     * @param id its id ({@code sha256:...} of its config)
     * @param repoDigests {@code name@sha256:...} for each registry it was pulled from or pushed to; empty for a local build
     * @param user the user its config starts the process as ({@code ""} for root)
     * @param exposedPorts the TCP ports its config exposes
     * @param volumes the folders its config declares as volumes
     * @param env its config's {@code KEY=value} environment
     */
    record ImageDetail(String id, List<String> repoDigests, String user, List<Integer> exposedPorts, List<String> volumes,
                       List<String> env) {
        public ImageDetail {
            repoDigests = List.copyOf(repoDigests);
            env = List.copyOf(env);
            exposedPorts = List.copyOf(exposedPorts);
            volumes = List.copyOf(volumes);
        }
    }

    /**
     * One changed path.
     *
     * @param path the path in the container
     * @param kind {@code 0} modified, {@code 1} added, {@code 2} deleted, as the Engine API numbers them
     */
    record Change(String path, int kind) { }

    /**
     * One process of a container.
     *
     * @param pid its id on the host
     * @param uid its effective uid
     * @param command its command name
     */
    record Process(long pid, int uid, String command) { }

    /**
     * A path in a container.
     *
     * @param uid its owner
     * @param gid its group
     * @param mode its permission bits ({@code 0755})
     * @param directory whether it is a folder
     * @param hasContent whether a folder holds any entry
     */
    record PathEntry(int uid, int gid, int mode, boolean directory, boolean hasContent) { }

    /**
     * A container's state.
     *
     * @param running whether its process runs
     * @param exitCode the exit code once it stopped
     * @param oomKilled whether the kernel killed it for memory
     * @param health {@code starting}, {@code healthy}, {@code unhealthy}, or null without a healthcheck
     * @param ip its address on the verify network, or null
     * @param error what the engine said went wrong starting it, or null
     */
    record State(boolean running, int exitCode, boolean oomKilled, String health, String ip, String error) { }

    /** The engine refused a request; the message is the engine's. */
    final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
