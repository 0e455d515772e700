package dev.harden.rule;

import java.util.ArrayList;
import java.util.List;

/** Host paths as a Compose mount or device names them, resolved the way the kernel would. */
final class HostPaths {
    private HostPaths() {
    }

    /** An absolute host path with {@code //}, {@code .}, {@code ..} and a trailing slash resolved; null when relative. */
    static String normalise(String path) {
        String p = path.trim();
        if (!p.startsWith("/")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }
}
