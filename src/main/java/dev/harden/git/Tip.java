package dev.harden.git;

import java.util.Optional;

/**
 * The commit at the end of a remote branch.
 *
 * @param id the commit
 * @param tree its tree
 * @param committer who committed it
 * @param author who wrote it
 * @param message its full message
 */
public record Tip(String id, String tree, Identity committer, Identity author, String message) {
    /** The value of a {@code Key: value} trailer in the message, if present. */
    public Optional<String> trailer(String key) {
        String[] lines = message.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith(key + ":")) {
                return Optional.of(line.substring(key.length() + 1).strip());
            }
        }
        return Optional.empty();
    }
}
