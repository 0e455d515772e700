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

    /**
     * A local image.
     *
     * @param id its id
     * @param user the user its configuration starts the process as ({@code ""} for root)
     */
    record Image(String id, String user) { }

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
