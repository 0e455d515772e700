package dev.harden.forge;

import java.util.List;

/**
 * A pull (or merge) request as a forge reports it.
 *
 * @param number its number in the repository (GitLab's {@code iid})
 * @param url the web page
 * @param state open, closed without merging, or merged
 * @param title its title, without a draft prefix such as {@code Draft: }
 * @param body its description, empty when none
 * @param labels label names
 * @param head the source branch
 * @param draft whether it is a draft
 */
public record PullRequest(long number, String url, State state, String title, String body, List<String> labels,
                          String head, boolean draft) {
    /** Where a pull request stands. */
    public enum State { OPEN, CLOSED, MERGED }

    public PullRequest {
        body = body == null ? "" : body;
        labels = List.copyOf(labels);
    }
}
