package dev.harden.verify;

import dev.harden.image.ImageFacts;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The facts a learning search ends with: evidence {@code learned}, each with the observation or trial it rests on. */
final class Facts {
    private static final Pattern HEAP_FLAG = Pattern.compile("-Xm[sx][0-9]");

    private Facts() {
    }

    /**
     * @param settings the strongest settings that ran as well as the original
     * @param caps the fewest capabilities that did, or null when no hardened variant did within the bound
     * @param name the repository the facts are for
     */
    static ImageFacts of(ContainerSpec original, Engine.ImageDetail detail, Observation seen, Folders folders,
                         Learner.Settings settings, List<String> caps, boolean root, int trials, String engine, LocalDate date,
                         String name) {
        String digest = Learner.digest(detail, original.image());
        boolean worked = caps != null;
        List<String> sources = new ArrayList<>();
        sources.add("learned on " + date + " with " + engine + " from image " + digest + " (" + original.image() + "): "
                + trials + " trial" + (trials == 1 ? "" : "s"));
        String runsAs;
        if (root) {
            runsAs = "root";
        } else if (seen.pid1Uid() != null) {
            runsAs = String.valueOf(seen.pid1Uid());
        } else {
            String user = original.user() != null ? original.user() : detail.user();
            String uid = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
            runsAs = uid.matches("[0-9]{1,9}") ? uid : "root";
        }
        boolean steps = root && seen.uidsDiffer(0);
        List<Integer> uids = seen.processes().stream().map(Engine.Process::uid).distinct().sorted().toList();
        if (seen.pid1Uid() != null || !uids.isEmpty()) {
            sources.add("learned: it starts as " + (root ? "root" : "uid " + runsAs)
                    + (seen.pid1Uid() == null ? "" : "; its first process ran as uid " + seen.pid1Uid())
                    + (uids.isEmpty() ? "" : "; its processes as uid " + join(uids))
                    + (seen.capEff() == null ? "" : "; effective capabilities " + seen.capEff())
                    + (steps ? ": it steps down by itself" : ""));
        }
        String nonRoot = null;
        if (!root && runsAs.matches("[0-9]+")) {
            nonRoot = runsAs + ":" + (seen.pid1Gid() == null ? runsAs : seen.pid1Gid());
        } else if (root && worked && settings.user() != null) {
            nonRoot = settings.user();
            sources.add("learned: it runs as " + nonRoot + " from the start");
        }
        List<Integer> ports = seen.listening() != null ? seen.listening() : detail.exposedPorts();
        if (!ports.isEmpty()) {
            sources.add("learned: it listens on " + join(ports) + (seen.listening() != null ? "" : " (image config: EXPOSE)"));
        }
        for (String path : folders.written()) {
            Engine.PathEntry in = folders.image().get(path);
            sources.add("learned: it writes " + path + (in == null ? "" : in.hasContent() ? ", which has content in the image"
                    : ", empty in the image") + (folders.tmpfs().contains(path) ? ": tmpfs"
                    : folders.volumes().contains(path) ? ": a volume (" + folders.why().get(path) + ")" : ": mounted already"));
        }
        if (folders.chowned()) {
            sources.add("learned: it changes the owner or mode of a folder it writes");
        }
        List<String> capabilities = worked ? new ArrayList<>(new TreeSet<>(caps)) : Learner.DOCKER_DEFAULT;
        if (worked) {
            sources.add("learned: cap_drop ALL" + (caps.isEmpty() ? " with nothing added" : " with " + String.join(", ", capabilities)
                    + " added back") + (settings.noNewPrivileges() ? ", no-new-privileges" : "")
                    + (settings.readOnly() ? ", a read-only root" : "") + (settings.pidsLimit() ? ", pids limit " + Learner.PIDS_LIMIT : "")
                    + " ran as well as the original");
        }
        seen.notes().forEach(n -> sources.add("learned: " + n));
        List<String> data = new ArrayList<>(folders.volumes());
        data.addAll(folders.mounted());
        List<String> why = new ArrayList<>();
        for (Map.Entry<String, String> e : folders.why().entrySet()) {
            why.add(e.getKey() + " (" + e.getValue() + ")");
        }
        String notes;
        if (!worked) {
            notes = "no hardened variant ran as well as the original within " + trials + " trials";
        } else if (!why.isEmpty()) {
            notes = "it writes " + String.join(", ", why) + ": mount a volume there, then make the root read-only";
        } else {
            notes = null;
        }
        boolean readOnly = worked && settings.readOnly() && folders.volumes().isEmpty();
        // learned facts replace those read from the image: the heap its config sets must stay a memory floor
        List<String> heap = detail.env().stream().filter(e -> HEAP_FLAG.matcher(e).find()).toList();
        return new ImageFacts(name, runsAs, steps, nonRoot, root ? capabilities : List.of(), folders.tmpfs(), data, readOnly,
                !worked || settings.noNewPrivileges(), ports, "learned", sources, notes, heap);
    }

    private static String join(List<Integer> numbers) {
        return String.join(", ", numbers.stream().map(String::valueOf).toList());
    }
}
