package dev.harden.image;

import dev.harden.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parts of an image's config blob (OCI image config, or the engine's inspect answer) that say
 * how it runs.
 *
 * @param user the {@code USER}, as written ({@code ""} for root, {@code postgres}, {@code 1001:0})
 * @param entrypoint the {@code ENTRYPOINT} words
 * @param cmd the {@code CMD} words
 * @param env {@code NAME=value} entries
 * @param ports exposed TCP and UDP ports
 * @param volumes declared {@code VOLUME} folders
 * @param labels the image's labels
 */
record ImageConfig(String user, List<String> entrypoint, List<String> cmd, List<String> env, List<Integer> ports,
                   List<String> volumes, Map<String, String> labels) {
    ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        labels = Map.copyOf(labels);
    }

    /**
     * Reads a config blob ({@code {"config": {...}}}) or an engine inspect answer ({@code {"Config": {...}}}).
     *
     * @throws IllegalArgumentException when it is not a config
     */
    static ImageConfig parse(byte[] json) {
        if (!(Json.parse(new String(json, StandardCharsets.UTF_8)) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("an image config is a JSON object");
        }
        Object c = root.containsKey("config") ? root.get("config") : root.get("Config");
        Map<?, ?> config = c instanceof Map<?, ?> m ? m : Map.of();
        TreeSet<Integer> ports = new TreeSet<>();
        if (config.get("ExposedPorts") instanceof Map<?, ?> exposed) {
            for (Object k : exposed.keySet()) {
                String p = String.valueOf(k);
                int slash = p.indexOf('/');
                try {
                    ports.add(Integer.parseInt(slash < 0 ? p : p.substring(0, slash)));
                } catch (NumberFormatException e) {
                    // a port written as a range or a variable says nothing harden can use
                }
            }
        }
        List<String> volumes = new ArrayList<>();
        if (config.get("Volumes") instanceof Map<?, ?> v) {
            v.keySet().forEach(k -> volumes.add(String.valueOf(k)));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (config.get("Labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        return new ImageConfig(config.get("User") instanceof String u ? u : "", words(config.get("Entrypoint")),
                words(config.get("Cmd")), words(config.get("Env")), List.copyOf(ports), volumes, labels);
    }

    private static List<String> words(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(w -> out.add(String.valueOf(w)));
        } else if (o instanceof String s && !s.isEmpty()) {
            out.add(s);
        }
        return out;
    }
}
