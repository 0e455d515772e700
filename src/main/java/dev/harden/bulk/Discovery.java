package dev.harden.bulk;

import dev.harden.forge.ForgeException;
import dev.harden.forge.HostedRepository;
import dev.harden.forge.Repositories;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repositories a campaign covers: those it names, then those the forge lists for its
 * organisation, topic or group (archived ones and forks dropped unless asked for), all filtered by
 * its include and exclude globs, each once, in that order.
 */
public final class Discovery {
    /**
     * What discovery found.
     *
     * @param targets the repositories to work on
     * @param skipped one line per listed repository left out, saying why
     */
    public record Result(List<Target> targets, List<String> skipped) {
        public Result {
            targets = List.copyOf(targets);
            skipped = List.copyOf(skipped);
        }
    }

    private Discovery() {
    }

    /**
     * Finds a campaign's repositories.
     *
     * @param lister the forge's lister; only used when the campaign names an organisation, topic or group
     */
    public static Result run(Campaign campaign, Repositories lister) throws ForgeException {
        Campaign.Targets t = campaign.repositories();
        Map<String, Target> found = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (String name : t.names()) {
            found.putIfAbsent(name, new Target(new RepoId(campaign.host(), name), null, null));
        }
        for (HostedRepository repo : listed(campaign, lister)) {
            if (repo.archived() && !t.archived()) {
                skipped.add(repo.path() + ": archived (set repositories.archived: true to include it)");
            } else if (repo.fork() && !t.forks()) {
                skipped.add(repo.path() + ": a fork (set repositories.forks: true to include it)");
            } else {
                found.putIfAbsent(repo.path(), new Target(new RepoId(campaign.host(), repo.path()), repo.cloneUrl(),
                        repo.defaultBranch()));
            }
        }
        Globs include = new Globs(t.include());
        Globs exclude = new Globs(t.exclude());
        List<Target> targets = new ArrayList<>();
        for (Target target : found.values()) {
            String path = target.id().path();
            if (!t.include().isEmpty() && !include.any(path)) {
                skipped.add(path + ": matches no include glob");
            } else if (exclude.any(path)) {
                skipped.add(path + ": matches an exclude glob");
            } else {
                targets.add(target);
            }
        }
        return new Result(targets, skipped);
    }

    private static List<HostedRepository> listed(Campaign campaign, Repositories lister) throws ForgeException {
        Campaign.Targets t = campaign.repositories();
        if (!t.discovers()) {
            return List.of();
        }
        return switch (campaign.forge()) {
            case GITHUB -> t.topic() != null ? lister.topic(t.topic(), t.org()) : lister.organisation(t.org());
            case GITLAB -> lister.group(t.group(), t.topic());
            case GITEA -> lister.organisation(t.org());
        };
    }

    /** Globs over {@code owner/name}, as a shell reads them: {@code *} within one part, {@code **} across parts. */
    static final class Globs {
        private final List<PathMatcher> matchers = new ArrayList<>();

        Globs(List<String> globs) {
            FileSystem fs = FileSystems.getDefault();
            for (String glob : globs) {
                matchers.add(fs.getPathMatcher("glob:" + glob));
            }
        }

        boolean any(String path) {
            Path p = Path.of(path);
            return matchers.stream().anyMatch(m -> m.matches(p));
        }
    }
}
