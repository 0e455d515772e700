package dev.harden.verify;

import java.util.List;

/** Verify started nothing: a service asks for host access that was not allowed; one {@code file:line: ...} per problem. */
public final class HostAccessRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    HostAccessRefused(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem: {@code file:line: service: what it asks for}. */
    public List<String> problems() {
        return problems;
    }
}
