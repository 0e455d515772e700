package dev.harden.bulk;

import dev.harden.forge.Forge;
import dev.harden.git.Identity;
import dev.harden.pr.Settings;
import dev.harden.profile.Profile;
import dev.harden.profile.Suggest;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code campaign.yaml} from harden's positioned YAML tree, so that every mistake is reported
 * as {@code file:line:col: what is wrong}, with a suggestion for a misspelt key.
 */
public final class CampaignFile {
    private static final Set<String> KEYS = Set.of("apiVersion", "kind", "name", "forge", "api", "repositories", "profile",
            "branch", "base", "pullRequest", "author", "signOff", "optOutFile", "pace");
    private static final Set<String> TARGET_KEYS = Set.of("names", "org", "topic", "group", "include", "exclude",
            "archived", "forks");
    private static final Set<String> PR_KEYS = Set.of("title", "labels", "draft");
    private static final Set<String> PACE_KEYS = Set.of("contentCallsPerMinute", "contentCallsPerHour",
            "pullRequestsPerHour", "openPullRequests", "parallel", "waitForChecks");

    private final Path file;
    private final YamlFile yaml;

    private CampaignFile(Path file, YamlFile yaml) {
        this.file = file;
        this.yaml = yaml;
    }

    /** Reads and checks a campaign file. */
    public static Campaign load(Path file) throws CampaignException {
        byte[] bytes;
        try {
            bytes = FileRead.read(file, Limits.DEFAULT.maxBytes());
        } catch (IOException e) {
            throw new CampaignException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, bytes);
    }

    /** Checks a campaign given as bytes; {@code file} only names it in messages. */
    public static Campaign parse(Path file, byte[] bytes) throws CampaignException {
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(bytes, Limits.DEFAULT);
        } catch (YamlException e) {
            throw new CampaignException(file + ":" + e.getMessage());
        }
        return new CampaignFile(file, yaml).read();
    }

    private Campaign read() throws CampaignException {
        List<Node> docs = yaml.documents();
        if (docs.size() != 1) {
            throw new CampaignException(file + ":1:1: a campaign file holds exactly one YAML document, not " + docs.size());
        }
        Mapping root = mapping(docs.get(0), "the campaign");
        keys(root, KEYS, "a campaign");
        String apiVersion = required(root, "apiVersion");
        if (!apiVersion.equals("harden/v1")) {
            throw at(root.entry("apiVersion").get().value(), "apiVersion must be harden/v1, not '" + apiVersion + "'");
        }
        String kind = required(root, "kind");
        if (!kind.equals("Campaign")) {
            throw at(root.entry("kind").get().value(), "kind must be Campaign, not '" + kind + "'");
        }
        String name = required(root, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw at(root.entry("name").get().value(), "a campaign name is letters, digits, '.', '_' and '-', not '" + name + "'");
        }
        Forge.Kind forge = parsed(root, "forge", Forge.Kind::parse);
        URI api = api(root, forge);
        Campaign.Targets targets = targets(root, forge);
        String profile = profile(root);
        String branch = string(root, "branch").orElse(null);
        if (branch != null) {
            try {
                new Settings(branch, null, Identity.HARDEN, Identity.HARDEN, false, List.of(), List.of(), List.of(), false, 1);
            } catch (IllegalArgumentException e) {
                throw at(root.entry("branch").get().value(), e.getMessage());
            }
        }
        String base = string(root, "base").orElse(null);
        Campaign.PullRequestText pr = pullRequest(root);
        Identity author = root.entry("author").isPresent() ? parsed(root, "author", Identity::parse) : Identity.HARDEN;
        Campaign.SignOff signOff = root.entry("signOff").isPresent()
                ? parsed(root, "signOff", Campaign.SignOff::parse) : Campaign.SignOff.NEVER;
        String optOut = string(root, "optOutFile").orElse(null);
        if (optOut != null && (optOut.startsWith("/") || optOut.contains("..") || optOut.isBlank())) {
            throw at(root.entry("optOutFile").get().value(), "optOutFile is a path inside each repository, not '"
                    + optOut + "'");
        }
        return new Campaign(file, name, forge, api, targets, profile, branch, base, pr, author, signOff, optOut, pace(root));
    }

    private URI api(Mapping root, Forge.Kind forge) throws CampaignException {
        Optional<String> given = string(root, "api");
        if (given.isEmpty()) {
            if (forge.defaultApi() == null) {
                throw at(root, "a " + forge.name().toLowerCase(Locale.ROOT)
                        + " campaign needs 'api', such as https://git.example.com/api/v1");
            }
            return URI.create(forge.defaultApi());
        }
        Node node = root.entry("api").get().value();
        try {
            URI uri = new URI(given.get());
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                throw at(node, "api must be an http(s) URL with a host and no user or password, not '" + given.get() + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw at(node, "api is not a URL: " + e.getReason());
        }
    }

    private Campaign.Targets targets(Mapping root, Forge.Kind forge) throws CampaignException {
        Node node = root.entry("repositories").map(Mapping.Entry::value).orElseThrow(() ->
                at(root, "a campaign needs 'repositories': a list of owner/name, or a mapping with names, org, topic or group"));
        Node value = node.resolve();
        if (value instanceof Sequence) {
            return new Campaign.Targets(names(value), null, null, null, List.of(), List.of(), false, false);
        }
        Mapping m = mapping(value, "repositories");
        keys(m, TARGET_KEYS, "repositories");
        List<String> names = m.entry("names").isPresent() ? names(m.entry("names").get().value()) : List.of();
        String org = string(m, "org").orElse(null);
        String topic = string(m, "topic").orElse(null);
        String group = string(m, "group").orElse(null);
        if (org != null && forge == Forge.Kind.GITLAB) {
            throw at(m.entry("org").get().value(), "GitLab has groups, not organisations: use 'group'");
        }
        if (group != null && forge != Forge.Kind.GITLAB) {
            throw at(m.entry("group").get().value(), "'group' is GitLab's; on " + forge.name().toLowerCase(Locale.ROOT)
                    + " use 'org'");
        }
        if (topic != null && forge == Forge.Kind.GITEA) {
            throw at(m.entry("topic").get().value(), "harden cannot list a Gitea topic: use 'org' and 'include'");
        }
        if (topic != null && forge == Forge.Kind.GITLAB && group == null) {
            throw at(m.entry("topic").get().value(), "a GitLab topic is listed within a 'group': name the group too");
        }
        if (names.isEmpty() && org == null && topic == null && group == null) {
            throw at(m, "repositories names none: give 'names', 'org', 'topic' or 'group'");
        }
        for (String key : List.of("org", "group")) {
            if (m.entry(key).isPresent() && !string(m, key).get().matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
                throw at(m.entry(key).get().value(), key + " must be a name such as acme or platform/services, not '"
                        + string(m, key).get() + "'");
            }
        }
        return new Campaign.Targets(names, org, topic, group, globs(m, "include"), globs(m, "exclude"),
                bool(m, "archived").orElse(false), bool(m, "forks").orElse(false));
    }

    private List<String> names(Node node) throws CampaignException {
        Sequence list = sequence(node, "the repository names");
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node item : list.items()) {
            String name = scalar(item, "a repository name");
            try {
                Forge.checkRepository(name);
            } catch (IllegalArgumentException e) {
                throw at(item, "'" + name + "' is not owner/name (GitLab: group/project) of letters, digits, '.', '_' and '-'");
            }
            if (!seen.add(name)) {
                throw at(item, "'" + name + "' is listed twice");
            }
            names.add(name);
        }
        return names;
    }

    private List<String> globs(Mapping m, String key) throws CampaignException {
        if (m.entry(key).isEmpty()) {
            return List.of();
        }
        Node node = m.entry(key).get().value();
        List<Node> items = node.resolve() instanceof Scalar ? List.of(node) : sequence(node, key).items();
        List<String> globs = new ArrayList<>();
        for (Node item : items) {
            String glob = scalar(item, "a glob");
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                throw at(item, "'" + glob + "' is not a glob: " + e.getDescription());
            }
            globs.add(glob);
        }
        return globs;
    }

    private String profile(Mapping root) throws CampaignException {
        String profile = required(root, "profile");
        if (!Profile.BUILT_IN.contains(profile) && !profile.endsWith(".yaml") && !profile.endsWith(".yml")) {
            throw at(root.entry("profile").get().value(), "unknown profile '" + profile + "'"
                    + Suggest.closest(profile, Profile.BUILT_IN).map(b -> " (did you mean '" + b + "'?)").orElse("")
                    + ": use " + String.join(", ", Profile.BUILT_IN) + " or a path to a .yaml file");
        }
        return profile;
    }

    private Campaign.PullRequestText pullRequest(Mapping root) throws CampaignException {
        if (root.entry("pullRequest").isEmpty()) {
            return new Campaign.PullRequestText(null, List.of(), false);
        }
        Mapping m = mapping(root.entry("pullRequest").get().value(), "pullRequest");
        keys(m, PR_KEYS, "pullRequest");
        List<String> labels = new ArrayList<>();
        if (m.entry("labels").isPresent()) {
            for (Node item : sequence(m.entry("labels").get().value(), "labels").items()) {
                labels.add(scalar(item, "a label"));
            }
        }
        Optional<String> title = string(m, "title");
        if (title.isPresent() && (title.get().isBlank() || title.get().contains("\n") || title.get().length() > 200)) {
            throw at(m.entry("title").get().value(), "a title is one line of 1 to 200 characters");
        }
        return new Campaign.PullRequestText(title.orElse(null), labels, bool(m, "draft").orElse(false));
    }

    private Campaign.Pacing pace(Mapping root) throws CampaignException {
        Campaign.Pacing d = Campaign.Pacing.DEFAULT;
        if (root.entry("pace").isEmpty()) {
            return d;
        }
        Mapping m = mapping(root.entry("pace").get().value(), "pace");
        keys(m, PACE_KEYS, "pace");
        return new Campaign.Pacing(count(m, "contentCallsPerMinute", d.contentCallsPerMinute()),
                count(m, "contentCallsPerHour", d.contentCallsPerHour()), count(m, "pullRequestsPerHour", d.pullRequestsPerHour()),
                count(m, "openPullRequests", d.openPullRequests()), count(m, "parallel", d.parallel()),
                bool(m, "waitForChecks").orElse(d.waitForChecks()));
    }

    private int count(Mapping m, String key, int fallback) throws CampaignException {
        if (m.entry(key).isEmpty()) {
            return fallback;
        }
        Node node = m.entry(key).get().value();
        if (!(node.resolve() instanceof Scalar s) || s.type() != Scalar.Type.INT) {
            throw at(node, key + " must be a whole number");
        }
        long value;
        try {
            value = Long.decode(s.value().replace("0o", "0"));
        } catch (NumberFormatException e) {
            value = Long.MAX_VALUE;
        }
        if (value < 1 || value > 1_000_000) {
            throw at(node, key + " must be between 1 and 1000000, not " + s.value());
        }
        return (int) value;
    }

    /** Refuses unknown keys, suggesting the key that was probably meant (the parser refuses repeated ones). */
    private void keys(Mapping m, Set<String> known, String where) throws CampaignException {
        for (Mapping.Entry e : m.entries()) {
            String key = e.keyText();
            if (key == null) {
                throw at(e.key(), "keys in " + where + " are plain names");
            }
            if (!known.contains(key)) {
                throw at(e.key(), "unknown key '" + key + "' in " + where
                        + Suggest.closest(key, known).map(b -> " (did you mean '" + b + "'?)").orElse(""));
            }
        }
    }

    private String required(Mapping m, String key) throws CampaignException {
        return string(m, key).orElseThrow(() -> at(m, "missing '" + key + "'"));
    }

    private Optional<String> string(Mapping m, String key) throws CampaignException {
        Optional<Mapping.Entry> e = m.entry(key);
        if (e.isEmpty() || e.get().value().resolve() instanceof Scalar s && s.isNull()) {
            return Optional.empty();
        }
        return Optional.of(scalar(e.get().value(), key));
    }

    private Optional<Boolean> bool(Mapping m, String key) throws CampaignException {
        Optional<Mapping.Entry> e = m.entry(key);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        Node node = e.get().value();
        if (!(node.resolve() instanceof Scalar s) || s.type() != Scalar.Type.BOOL) {
            throw at(node, key + " must be true or false");
        }
        return Optional.of(s.value().equalsIgnoreCase("true"));
    }

    /** A scalar read through a parser that may refuse it (a forge name, an identity). */
    private <T> T parsed(Mapping m, String key, Function<String, T> parser) throws CampaignException {
        String text = required(m, key);
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw at(m.entry(key).get().value(), e.getMessage());
        }
    }

    private String scalar(Node node, String what) throws CampaignException {
        if (!(node.resolve() instanceof Scalar s) || s.isNull()) {
            throw at(node, what + " must be a text value");
        }
        return s.value();
    }

    private Mapping mapping(Node node, String what) throws CampaignException {
        if (node.resolve() instanceof Mapping m) {
            return m;
        }
        throw at(node, what + " must be a mapping of keys to values");
    }

    private Sequence sequence(Node node, String what) throws CampaignException {
        if (node.resolve() instanceof Sequence s) {
            return s;
        }
        throw at(node, what + " must be a list");
    }

    private CampaignException at(Node node, String message) {
        int offset = Math.max(0, node.start());
        return new CampaignException(file + ":" + yaml.line(offset) + ":" + yaml.column(offset) + ": " + message);
    }
}
