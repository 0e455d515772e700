package dev.harden.pr;

import dev.harden.engine.FileHardener;
import dev.harden.engine.Targets;
import dev.harden.git.Credentials;
import dev.harden.git.GitException;
import dev.harden.git.GitRepo;
import dev.harden.git.TreeFile;
import dev.harden.git.Wanted;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A repository as {@code harden pr --clone} and every repository of {@code harden bulk} read it: one
 * branch fetched at depth 1 into a private temporary bare repository, with only the files harden reads
 * written out beside it from their blobs, and the manifests too large to read named, as a checkout's
 * would be.
 *
 * @param git the fetched repository; its {@link GitRepo#workTree()} is the folder the files were written to
 * @param notRead manifests over the size limit, never written: repository path to why
 */
public record Fetched(GitRepo git, Map<String, String> notRead) {
    /**
     * Read by name wherever they are: the repository config, the lock file beside it, Compose's
     * {@code .env}, and kustomizations (which may have no extension). Manifests are found as a search
     * of the repository would find them ({@link Targets#searched}).
     */
    private static final Set<String> READ_BY_NAME = Set.of(RepoConfig.FILE_NAME, ".harden.lock", ".env",
            "kustomization.yaml", "kustomization.yml", "Kustomization");

    public Fetched {
        notRead = Collections.unmodifiableMap(new TreeMap<>(notRead));
    }

    /**
     * Fetches a branch and writes out what harden reads of it.
     *
     * @param url the repository; a password in it is sent as a credential, never written
     * @param branch the branch, or null for the remote's default
     * @param credentials for HTTPS, or null
     * @param maxBytes the largest file read ({@code --max-file-size}); a larger manifest is named in {@link #notRead}
     * @param named more repository paths to write out when they are regular files (paths a user names)
     * @param everyFile write out every regular file, for a run that starts services (build contexts, mounted files)
     */
    public static Fetched fetch(String url, String branch, Credentials credentials, long maxBytes, List<String> named,
                                boolean everyFile) throws GitException {
        Map<String, String> notRead = new TreeMap<>();
        List<String> configs = new ArrayList<>();
        Wanted wanted = everyFile ? Wanted.EVERY_FILE : file -> {
            boolean manifest = Targets.searched(file.path(), file::head);
            String name = file.path().substring(file.path().lastIndexOf('/') + 1);
            if (!manifest && !READ_BY_NAME.contains(name) && !named.contains(file.path())) {
                return false;
            }
            if (file.size() > maxBytes) {
                if (manifest || named.contains(file.path())) {
                    notRead.put(file.path(), tooLarge(file, maxBytes));
                }
                return false;
            }
            if (name.equals(RepoConfig.FILE_NAME)) {
                configs.add(file.path());
            }
            return true;
        };
        GitRepo git = GitRepo.cloneShallow(url, branch, credentials, GitRepo.TIMEOUT, wanted);
        try {
            for (String config : configs) {
                for (String path : namedBy(git.workTree(), config)) {
                    git.writeOut(path);
                }
            }
        } catch (GitException | RuntimeException e) {
            git.close();
            throw e;
        }
        return new Fetched(git, notRead);
    }

    private static String tooLarge(TreeFile file, long maxBytes) {
        return "file is " + file.size() + " bytes, over the limit of " + maxBytes + " (raise it with --max-file-size)";
    }

    /** The profile and images files a repository config names, as repository paths; none when it cannot be read. */
    private static List<String> namedBy(Path root, String config) {
        RepoConfig cfg;
        try {
            cfg = RepoConfig.load(root.resolve(config));
        } catch (ProfileException e) {
            // the hardener reads it again and says what is wrong, at its line and column
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String file : new String[] {cfg.profile(), cfg.imagesFile()}) {
            Path inside;
            try {
                if (file == null || Profile.BUILT_IN.contains(file) || Path.of(file).isAbsolute()) {
                    continue;
                }
                inside = root.resolve(config).resolveSibling(file).normalize();
            } catch (InvalidPathException e) {
                continue;
            }
            if (inside.startsWith(root) && !inside.equals(root)) {
                out.add(root.relativize(inside).toString().replace('\\', '/'));
            }
        }
        return out;
    }

    /** What the fix changes over targets inside the folder written out; a manifest too large to read is reported unreadable. */
    public Change change(FileHardener hardener, List<Path> targets) throws PrException {
        return Change.compute(hardener, git.workTree(), targets, notRead);
    }
}
