package dev.harden.git;

import java.util.Map;
import java.util.Optional;

/**
 * A remote's branches as {@code ls-remote} shows them.
 *
 * @param defaultBranch the branch the remote's HEAD names, or null when it does not say
 * @param heads branch name to commit id
 */
public record Remote(String defaultBranch, Map<String, String> heads) {
    public Remote {
        heads = Map.copyOf(heads);
    }

    public Optional<String> tip(String branch) {
        return Optional.ofNullable(heads.get(branch));
    }
}
