package dev.harden.forge;

import java.util.List;

/**
 * What harden asks a forge to open or update.
 *
 * @param head the branch with harden's commit
 * @param base the branch to merge into
 * @param title the title
 * @param body Markdown
 * @param draft whether to open it as a draft
 * @param labels label names to add
 * @param reviewers user names to ask for a review (on creation only)
 * @param assignees user names to assign (on creation only)
 */
public record Proposal(String head, String base, String title, String body, boolean draft, List<String> labels,
                       List<String> reviewers, List<String> assignees) {
    public Proposal {
        labels = List.copyOf(labels);
        reviewers = List.copyOf(reviewers);
        assignees = List.copyOf(assignees);
    }
}
