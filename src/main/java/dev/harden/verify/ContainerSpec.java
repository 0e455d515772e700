package dev.harden.verify;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine is asked to run for one variant of one Compose service or Kubernetes container:
 * the options that decide whether it starts, and nothing that only matters in production
 * (published ports, restart and logging policies, networks).
 *
 * @param service the Compose service name, or {@code Kind/name/container}
 * @param image the image reference as written, variables substituted
 * @param entrypoint the entrypoint, or null for the image's
 * @param command the command, or null for the image's
 * @param env {@code KEY=value} pairs
 * @param user the {@code user:} value, or null for the image's
 * @param workingDir the working directory, or null
 * @param capAdd capabilities added
 * @param capDrop capabilities dropped
 * @param securityOpt security options as written
 * @param readOnly whether the root filesystem is read-only
 * @param tmpfs tmpfs mounts: container path to mount options (empty string for none)
 * @param pidsLimit the pids limit, or null
 * @param memory the memory limit in bytes, or null
 * @param memoryReservation the memory reservation in bytes, or null
 * @param nanoCpus the CPU limit in billionths of a CPU, or null
 * @param mounts volumes and bind mounts
 * @param health the healthcheck, or null when none is defined (or it is disabled)
 * @param privileged whether it runs privileged
 * @param init whether an init process reaps zombies
 * @param shmSize the size of /dev/shm in bytes, or null
 * @param sysctls kernel parameters
 * @param groupAdd supplementary groups
 * @param ports container ports that should answer once it is up
 * @param isolated true for {@code network_mode: none}
 */
record ContainerSpec(String service, String image, List<String> entrypoint, List<String> command, List<String> env,
                     String user, String workingDir, List<String> capAdd, List<String> capDrop, List<String> securityOpt,
                     boolean readOnly, Map<String, String> tmpfs, Long pidsLimit, Long memory, Long memoryReservation,
                     Long nanoCpus, List<Mount> mounts, Health health, boolean privileged, boolean init, Long shmSize,
                     Map<String, String> sysctls, List<String> groupAdd, List<Integer> ports, boolean isolated) {
    ContainerSpec {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(image, "image");
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        command = command == null ? null : List.copyOf(command);
        env = List.copyOf(env);
        capAdd = List.copyOf(capAdd);
        capDrop = List.copyOf(capDrop);
        securityOpt = List.copyOf(securityOpt);
        tmpfs = Map.copyOf(tmpfs);
        mounts = List.copyOf(mounts);
        sysctls = Map.copyOf(sysctls);
        groupAdd = List.copyOf(groupAdd);
        ports = List.copyOf(ports);
    }

    /**
     * A volume or bind mount.
     *
     * @param volume true for a named or anonymous volume (created fresh for each start), false for a bind mount
     * @param source the volume's name in the file ({@code ""} when anonymous), or the host path of a bind mount
     * @param target the path in the container
     * @param readOnly whether it is mounted read-only
     * @param emptyDir true for a Kubernetes emptyDir: a volume that starts empty and writable by every user
     * @param sizeLimit the emptyDir's size limit in bytes, or null
     */
    record Mount(boolean volume, String source, String target, boolean readOnly, boolean emptyDir, Long sizeLimit) {
        Mount(boolean volume, String source, String target, boolean readOnly) {
            this(volume, source, target, readOnly, false, null);
        }

        /** A Kubernetes emptyDir volume at {@code target}. */
        static Mount emptyDir(String name, String target, boolean readOnly, Long sizeLimit) {
            return new Mount(true, name, target, readOnly, true, sizeLimit);
        }
    }

    /**
     * A healthcheck, with durations in nanoseconds as the Engine API takes them (0: the engine's default).
     *
     * @param test {@code ["CMD", ...]} or {@code ["CMD-SHELL", "..."]}
     * @param interval time between checks
     * @param timeout time one check may take
     * @param retries failures in a row that make it unhealthy
     * @param startPeriod time during which failures do not count
     */
    record Health(List<String> test, long interval, long timeout, int retries, long startPeriod) {
        Health {
            test = List.copyOf(test);
        }
    }
}
