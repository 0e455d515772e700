package dev.harden.image;

import java.util.List;
import java.util.Objects;

/**
 * What one image needs to run hardened, as recorded in {@code profiles/images.yaml}.
 *
 * @param name repository name the entry is for
 * @param runsAs the user the main process starts as: {@code root} or a numeric uid
 * @param dropsPrivileges whether it starts as root and steps down itself (gosu, su-exec, a master/worker split)
 * @param nonRootUid the {@code uid[:gid]} it can run as from the start, or null
 * @param rootCapabilities capabilities it needs under {@code cap_drop: [ALL]} when left to start as root
 * @param writablePaths paths written at run time outside volumes: tmpfs candidates under a read-only root
 * @param dataPaths persistent data directories (volumes, never tmpfs)
 * @param readOnlyRootFilesystem false when known to fail on a read-only root even with its tmpfs paths
 * @param noNewPrivileges false when its entrypoint relies on setuid binaries
 * @param ports container ports it listens on
 * @param evidence {@code documented}, {@code derived} or {@code proven} for a knowledge entry, {@code image} when read
 *     from the image itself, {@code unknown} when nobody recorded anything ({@link #known})
 * @param sources where the facts come from
 * @param notes anything surprising, in one sentence
 * @param memoryHints the image's own settings that name a JVM heap, as written ({@code JAVA_OPTS=-Xms1g},
 *     {@code Cmd: -Xmx512m}): a memory limit below them gets the service killed
 * @param ownedPaths those of its writable paths that the non-root user it runs as from the start must own (a
 *     tmpfs there is made with that owner: one owned by root lets it write, but not chmod what it does not own)
 */
public record ImageFacts(String name, String runsAs, boolean dropsPrivileges, String nonRootUid,
                         List<String> rootCapabilities, List<String> writablePaths, List<String> dataPaths,
                         boolean readOnlyRootFilesystem, boolean noNewPrivileges, List<Integer> ports,
                         String evidence, List<String> sources, String notes, List<String> memoryHints,
                         List<String> ownedPaths) {
    public ImageFacts {
        Objects.requireNonNull(name, "name");
        runsAs = runsAs == null ? "root" : runsAs;
        rootCapabilities = List.copyOf(rootCapabilities);
        writablePaths = List.copyOf(writablePaths);
        dataPaths = List.copyOf(dataPaths);
        ports = List.copyOf(ports);
        sources = List.copyOf(sources);
        memoryHints = List.copyOf(memoryHints);
        ownedPaths = List.copyOf(ownedPaths);
    }

    /** Facts with no path its user must own. */
    public ImageFacts(String name, String runsAs, boolean dropsPrivileges, String nonRootUid,
                      List<String> rootCapabilities, List<String> writablePaths, List<String> dataPaths,
                      boolean readOnlyRootFilesystem, boolean noNewPrivileges, List<Integer> ports,
                      String evidence, List<String> sources, String notes, List<String> memoryHints) {
        this(name, runsAs, dropsPrivileges, nonRootUid, rootCapabilities, writablePaths, dataPaths, readOnlyRootFilesystem,
                noNewPrivileges, ports, evidence, sources, notes, memoryHints, List.of());
    }

    /** Facts that say nothing of memory: what a knowledge file records. */
    public ImageFacts(String name, String runsAs, boolean dropsPrivileges, String nonRootUid,
                      List<String> rootCapabilities, List<String> writablePaths, List<String> dataPaths,
                      boolean readOnlyRootFilesystem, boolean noNewPrivileges, List<Integer> ports,
                      String evidence, List<String> sources, String notes) {
        this(name, runsAs, dropsPrivileges, nonRootUid, rootCapabilities, writablePaths, dataPaths, readOnlyRootFilesystem,
                noNewPrivileges, ports, evidence, sources, notes, List.of());
    }

    /** Facts for an image nobody recorded: assume it starts as root, writes /tmp, needs nothing else. */
    public static ImageFacts unknown(String name) {
        return new ImageFacts(name, "root", false, null, List.of(), List.of("/tmp"), List.of(), true, true,
                List.of(), "unknown", List.of(), null);
    }

    public boolean known() {
        return !"unknown".equals(evidence);
    }

    /** Whether these facts were found by starting the image ({@code harden learn}). */
    public boolean learned() {
        return "learned".equals(evidence);
    }

    /** What a message that rests on these facts says of where they come from: only learned facts say so yet. */
    public String sourceNote() {
        return learned() ? " (learned by starting the image)" : "";
    }

    /** Whether the image's process starts as root. */
    public boolean startsAsRoot() {
        return "root".equals(runsAs) || "0".equals(runsAs);
    }
}
