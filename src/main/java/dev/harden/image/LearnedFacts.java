package dev.harden.image;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Facts read from an image, as the plain values the cache and the lock file store them in, and back. */
final class LearnedFacts {
    /** The evidence of facts found by starting the image ({@code harden learn}). */
    static final String LEARNED = "learned";

    private LearnedFacts() {
    }

    /** The stored form, starting with the digest the facts are for. */
    static Map<String, Object> plain(String digest, ImageFacts f) {
        return plain(digest, null, f);
    }

    /**
     * The stored form, with the reference the facts were learned from when there is one. Facts read
     * from an image keep the form they always had; learned ones add their evidence and what only a
     * start can show (no-new-privileges breaking it).
     */
    static Map<String, Object> plain(String digest, String image, ImageFacts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("digest", digest);
        if (image != null) {
            m.put("image", image);
        }
        m.put("name", f.name());
        m.put("runsAs", f.runsAs());
        m.put("dropsPrivileges", f.dropsPrivileges());
        m.put("nonRootUid", f.nonRootUid());
        m.put("rootCapabilities", f.rootCapabilities());
        m.put("writablePaths", f.writablePaths());
        m.put("dataPaths", f.dataPaths());
        m.put("readOnlyRootFilesystem", f.readOnlyRootFilesystem());
        m.put("ports", f.ports().stream().map(Integer::longValue).toList());
        m.put("sources", f.sources());
        m.put("notes", f.notes());
        if (!f.memoryHints().isEmpty()) {
            m.put("memoryHints", f.memoryHints());
        }
        if (!f.ownedPaths().isEmpty()) {
            m.put("ownedPaths", f.ownedPaths());
        }
        if (LEARNED.equals(f.evidence())) {
            m.put("evidence", LEARNED);
            m.put("noNewPrivileges", f.noNewPrivileges());
        }
        return m;
    }

    /** The facts back from their stored form; empty when it is not one harden wrote. */
    static Optional<ImageFacts> of(Map<?, ?> m, String name) {
        if (!(m.get("runsAs") instanceof String runsAs) || !runsAs.matches("root|[0-9]{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(new ImageFacts(name, runsAs, Boolean.TRUE.equals(m.get("dropsPrivileges")),
                m.get("nonRootUid") instanceof String u ? u : null, ImageKnowledge.strings(m.get("rootCapabilities")),
                ImageKnowledge.strings(m.get("writablePaths")), ImageKnowledge.strings(m.get("dataPaths")),
                !Boolean.FALSE.equals(m.get("readOnlyRootFilesystem")), !Boolean.FALSE.equals(m.get("noNewPrivileges")),
                ImageKnowledge.ints(m.get("ports")), LEARNED.equals(m.get("evidence")) ? LEARNED : "image",
                ImageKnowledge.strings(m.get("sources")), m.get("notes") instanceof String n ? n : null,
                ImageKnowledge.strings(m.get("memoryHints")), ImageKnowledge.strings(m.get("ownedPaths"))));
    }
}
