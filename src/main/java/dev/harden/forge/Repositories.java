package dev.harden.forge;

import dev.harden.report.Terminal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Lists the repositories a bulk campaign names by owner or topic: a GitHub organisation or topic, a
 * GitLab group with its subgroups, a Gitea organisation. Every page is read; archived repositories
 * and forks are listed with their flags, for the caller to keep or drop.
 */
public final class Repositories {
    private final Forge.Kind kind;
    private final Http http;
    private final Consumer<String> log;

    private Repositories(Forge.Kind kind, Http http, Consumer<String> log) {
        this.kind = kind;
        this.http = http;
        this.log = log;
    }

    /**
     * A lister for one forge.
     *
     * @param log where to say what was skipped and why
     */
    public static Repositories of(Forge.Kind kind, URI api, String token, Pace pace, Consumer<String> log) {
        return new Repositories(kind, new Http(api, kind, token, pace, log), log);
    }

    /** Every repository of a GitHub or Gitea organisation. */
    public List<HostedRepository> organisation(String org) throws ForgeException {
        checkName(org);
        return switch (kind) {
            case GITHUB -> read(http.getAll("/orgs/" + Http.encode(org) + "/repos?type=all&per_page=100"));
            case GITEA -> read(http.getAll("/orgs/" + Http.encode(org) + "/repos?limit=50"));
            case GITLAB -> throw new IllegalArgumentException("GitLab has groups, not organisations");
        };
    }

    /** Every GitHub repository with a topic, within an organisation when one is given (GitHub's search finds at most 1,000). */
    public List<HostedRepository> topic(String topic, String org) throws ForgeException {
        if (kind != Forge.Kind.GITHUB) {
            throw new IllegalArgumentException("only GitHub repositories are listed by topic alone");
        }
        if (!topic.matches("[a-z0-9][a-z0-9-]{0,49}")) {
            throw new IllegalArgumentException("a GitHub topic is lower-case letters, digits and '-', not '" + topic + "'");
        }
        if (org != null) {
            checkName(org);
        }
        String query = "topic:" + topic + (org == null ? "" : " org:" + org);
        return read(http.getAll("/search/repositories?q=" + Http.encode(query) + "&per_page=100", "items"));
    }

    /** Every project of a GitLab group and its subgroups, with a topic when one is given. */
    public List<HostedRepository> group(String group, String topic) throws ForgeException {
        if (kind != Forge.Kind.GITLAB) {
            throw new IllegalArgumentException("groups are GitLab's");
        }
        checkName(group);
        String path = "/groups/" + Http.encode(group) + "/projects?include_subgroups=true&per_page=100&order_by=id&sort=asc"
                + (topic == null ? "" : "&topic=" + Http.encode(topic));
        return read(http.getAll(path));
    }

    private static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9._-]{1,100}(/[A-Za-z0-9._-]{1,100}){0,19}") || name.contains("..")) {
            throw new IllegalArgumentException("not an organisation or group name: '" + name + "'");
        }
    }

    private List<HostedRepository> read(List<Object> items) throws ForgeException {
        List<HostedRepository> repos = new ArrayList<>();
        for (Object item : items) {
            Map<?, ?> m = Fields.object(item, "a repository");
            boolean gitlab = kind == Forge.Kind.GITLAB;
            String path = Fields.string(m, gitlab ? "path_with_namespace" : "full_name");
            try {
                Forge.checkRepository(String.valueOf(path));
            } catch (IllegalArgumentException e) {
                // a name harden could not safely put in a URL or a journal is never worked on
                log.accept(kind.name().toLowerCase(Locale.ROOT) + ": skipping a repository listed as '"
                        + Terminal.escape(String.valueOf(path)) + "': not an owner/name path");
                continue;
            }
            boolean fork = gitlab ? m.get("forked_from_project") instanceof Map<?, ?> : Boolean.TRUE.equals(m.get("fork"));
            repos.add(new HostedRepository(path, Fields.string(m, gitlab ? "http_url_to_repo" : "clone_url"),
                    Fields.string(m, "default_branch"), Boolean.TRUE.equals(m.get("archived")), fork));
        }
        return repos;
    }
}
