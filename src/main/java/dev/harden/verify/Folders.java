package dev.harden.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The folders a service wrote, each as its image holds it (read from a container created from the
 * image and never started) and as the start left it, sorted into what a read-only root needs:
 * a tmpfs where the image holds nothing there, a volume where a tmpfs would hide content, lock its
 * non-root owner out, or lose data the image's settings name.
 *
 * @param written every written folder, outermost only
 * @param image each written folder as the image holds it; absent when the image has no such folder
 * @param tmpfs the written folders a tmpfs serves
 * @param volumes the written folders that need a volume
 * @param mounted the written folders the service already mounts something at, or the image declares a volume at
 * @param why for each folder that needs a volume, why, in a few words
 * @param chowned whether the start changed the owner or mode of a folder the image has
 * @param startsAsRoot whether the service starts as root
 */
record Folders(List<String> written, Map<String, Engine.PathEntry> image, List<String> tmpfs, List<String> volumes,
               List<String> mounted, Map<String, String> why, boolean chowned, boolean startsAsRoot) {
    Folders {
        written = List.copyOf(written);
        image = Map.copyOf(image);
        tmpfs = List.copyOf(tmpfs);
        volumes = List.copyOf(volumes);
        mounted = List.copyOf(mounted);
        why = Map.copyOf(why);
    }

    /** Whether the service starts as root: its own {@code user:}, else its image's. */
    static boolean startsAsRoot(ContainerSpec spec, Engine.ImageDetail detail) {
        String user = spec.user() != null ? spec.user() : detail.user();
        String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        return name.isBlank() || name.equals("root") || name.equals("0");
    }

    static Folders classify(Engine engine, Starter starter, ContainerSpec original, Engine.ImageDetail detail, Observation seen) {
        Map<String, Engine.PathEntry> image = new LinkedHashMap<>();
        String probe = null;
        try {
            ContainerSpec bare = new ContainerSpec(original.service(), original.image(), original.entrypoint(), original.command(),
                    List.of(), null, null, List.of(), List.of(), List.of(), false, Map.of(), null, null, null, null, List.of(), null,
                    false, false, null, Map.of(), List.of(), List.of(), true);
            probe = engine.createContainer("harden-learn-" + starter.runId() + "-image-" + Integer.toHexString(seen.hashCode()),
                    bare, List.of(), "none", Map.of(Starter.LABEL, starter.runId()));
            for (String path : seen.written()) {
                Optional<Engine.PathEntry> e = engine.path(probe, path);
                e.ifPresent(entry -> image.put(path, entry));
            }
        } catch (IOException e) {
            // without the image's side every written folder is taken to hold content: a volume, never a tmpfs that hides it
            seen.written().forEach(p -> image.put(p, new Engine.PathEntry(0, 0, 0755, true, true)));
        } finally {
            if (probe != null) {
                try {
                    engine.removeContainer(probe);
                } catch (IOException e) {
                    // the run's sweep removes it by its label
                }
            }
        }
        return of(original, detail, seen, image);
    }

    /** The sorting itself, given each written folder as the image holds it. */
    static Folders of(ContainerSpec original, Engine.ImageDetail detail, Observation seen, Map<String, Engine.PathEntry> image) {
        boolean root = startsAsRoot(original, detail);
        boolean chowned = false;
        for (String path : seen.written()) {
            Engine.PathEntry before = image.get(path);
            Engine.PathEntry after = seen.after().get(path);
            if (before != null && after != null && (before.uid() != after.uid() || before.gid() != after.gid()
                    || before.mode() != after.mode())) {
                chowned = true;
            }
        }
        List<String> tmpfs = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        List<String> mounted = new ArrayList<>();
        Map<String, String> why = new LinkedHashMap<>();
        List<String> named = named(original, detail);
        for (String path : seen.written()) {
            Engine.PathEntry before = image.get(path);
            if (under(path, original.mounts().stream().map(ContainerSpec.Mount::target).toList()) || under(path, detail.volumes())) {
                mounted.add(path);
            } else if (under(path, new ArrayList<>(original.tmpfs().keySet()))) {
                tmpfs.add(path);
            } else if (path.equals("/")) {
                volumes.add(path);
                why.put(path, "it writes in / itself");
            } else if (named.contains(path)) {
                volumes.add(path);
                why.put(path, "the image's settings name it as a place for data");
            } else if (before != null && before.hasContent()) {
                volumes.add(path);
                why.put(path, "a tmpfs there would hide what the image holds there");
            } else if (before != null && before.uid() != 0 && (before.mode() & 0002) == 0 && !(root && chowned)) {
                volumes.add(path);
                why.put(path, "uid " + before.uid() + " owns it, and a tmpfs there would be owned by root");
            } else {
                tmpfs.add(path);
            }
        }
        return new Folders(seen.written(), image, tmpfs, volumes, mounted, why, chowned, root);
    }

    /** Folders the service's or image's environment names ({@code PGDATA=/var/lib/postgresql/data}). */
    private static List<String> named(ContainerSpec original, Engine.ImageDetail detail) {
        List<String> out = new ArrayList<>();
        List<String> env = new ArrayList<>(detail.env());
        env.addAll(original.env());
        for (String e : env) {
            int eq = e.indexOf('=');
            String key = eq < 0 ? "" : e.substring(0, eq);
            String value = eq < 0 ? "" : e.substring(eq + 1);
            if (value.startsWith("/") && !value.contains(":") && !key.equals("PATH") && !key.equals("HOME")) {
                out.add(value.length() > 1 && value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            }
        }
        return out;
    }

    private static boolean under(String path, List<String> roots) {
        return roots.stream().map(r -> r.length() > 1 && r.endsWith("/") ? r.substring(0, r.length() - 1) : r)
                .anyMatch(r -> path.equals(r) || path.startsWith(r.equals("/") ? "/" : r + "/"));
    }

    /** Whether every written folder is {@code uid}'s in the image, or anyone may write it. */
    boolean allOwnedBy(int uid) {
        return written.stream().allMatch(p -> image.get(p) == null || image.get(p).uid() == uid || (image.get(p).mode() & 0002) != 0);
    }
}
