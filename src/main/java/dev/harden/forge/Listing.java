package dev.harden.forge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What the three forges do alike with a list of pull requests. */
final class Listing {
    /** Reads a forge's JSON into a pull request. */
    @FunctionalInterface
    interface Reader {
        PullRequest read(Object json) throws ForgeException;
    }

    private Listing() {
    }

    /** The pull requests among listed items whose head is the branch, newest first. */
    static List<PullRequest> withHead(List<Object> items, String branch, Reader reader) throws ForgeException {
        List<PullRequest> found = new ArrayList<>();
        for (Object item : items) {
            PullRequest pr = reader.read(item);
            if (branch.equals(pr.head())) {
                found.add(pr);
            }
        }
        found.sort(Comparator.comparingLong(PullRequest::number).reversed());
        return found;
    }
}
