package dev.harden.git;

import dev.harden.report.Redact;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.attributes.Attribute;
import org.eclipse.jgit.attributes.Attributes;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.CoreConfig.EolStreamType;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeOptions;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.util.FileUtils;
import org.eclipse.jgit.util.io.EolStreamTypeUtil;

/**
 * A git repository harden commits into: a local one found from a path, or one branch of a URL fetched
 * at depth 1 into a private temporary bare repository, with only the files the caller wants written out
 * beside it. Commits are built in memory from a parent's tree plus new file contents, so a working
 * tree, the index and the local branches are never touched.
 */
public final class GitRepo implements AutoCloseable {
    /** How long a clone, fetch, listing or push may wait for the server to send anything before it gives up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Repository repository;
    private final String url;
    private final String remoteName;
    private final Credentials credentials;
    private final Redact redact;
    private final int timeoutSeconds;
    private final Path temporary;
    private final Thread cleanup;
    /** Where the files harden reads lie: the working tree, or the folder a fetch wrote the wanted blobs into. */
    private final Path files;
    /** Fetched without a work tree: blobs are written out and stored back raw, with no conversion. */
    private final boolean raw;

    private GitRepo(Repository repository, String url, String remoteName, Credentials credentials, Redact redact,
                    Duration timeout, Path temporary, Thread cleanup, Path files, boolean raw) {
        this.repository = repository;
        this.url = url;
        this.remoteName = remoteName;
        this.credentials = credentials;
        this.redact = redact;
        this.timeoutSeconds = seconds(timeout);
        this.temporary = temporary;
        this.cleanup = cleanup;
        this.files = files;
        this.raw = raw;
    }

    /** Opens the repository that contains a path, with the default {@link #TIMEOUT}. */
    public static GitRepo open(Path path, String remoteName, Credentials credentials) throws GitException {
        return open(path, remoteName, credentials, TIMEOUT);
    }

    /**
     * Opens the repository that contains a path, to talk to one of its remotes. A repository without
     * that remote can still be read; calls that need the remote then fail.
     *
     * @param path a file or folder inside a working tree
     * @param remoteName the remote to push to, usually {@code origin}
     * @param credentials for HTTPS remotes, or null
     * @param timeout how long the remote may stay silent
     */
    public static GitRepo open(Path path, String remoteName, Credentials credentials, Duration timeout)
            throws GitException {
        Path start = path.toAbsolutePath().normalize();
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(start.toFile());
        if (builder.getGitDir() == null) {
            throw new GitException(path + " is not inside a git repository: run harden pr in a clone, or use --clone URL");
        }
        try {
            Repository repo = builder.setMustExist(true).build();
            if (repo.isBare()) {
                repo.close();
                throw new GitException(path + " is a bare repository: harden pr needs a working tree, or use --clone URL");
            }
            String url = repo.getConfig().getString("remote", remoteName, "url");
            return new GitRepo(repo, url, remoteName, credentials, redaction(url, credentials), timeout, null, null,
                    repo.getWorkTree().toPath(), false);
        } catch (IOException e) {
            throw new GitException("cannot open the git repository at " + path + ": " + e.getMessage());
        }
    }

    /** Fetches with the default {@link #TIMEOUT}, writing out every regular file. */
    public static GitRepo cloneShallow(String url, String branch, Credentials credentials) throws GitException {
        return cloneShallow(url, branch, credentials, TIMEOUT);
    }

    /** Fetches, writing out every regular file. */
    public static GitRepo cloneShallow(String url, String branch, Credentials credentials, Duration timeout)
            throws GitException {
        return cloneShallow(url, branch, credentials, timeout, Wanted.EVERY_FILE);
    }

    /**
     * Fetches one branch of a URL at depth 1 into a new bare repository {@code .git} inside a new
     * private temporary folder named {@code harden-clone-*} (mode 0700), and writes out into that folder,
     * as the tree has them, only the regular files {@code wanted} asks for: there is no checkout and no
     * index, and symbolic links and submodules are never written. The folder is deleted on {@link #close()}
     * or, if the run is interrupted, when the JVM exits. A user name and password in the URL are taken out
     * of it and sent as credentials (they win over {@code credentials}); the config records the URL
     * without them as {@code origin}.
     *
     * <p>Blobs are written out raw, and {@link #tree} stores new contents raw: no smudge or clean filter,
     * no line-ending conversion, whatever {@code .gitattributes} or the user's {@code core.autocrlf} say.
     * Those conversions map a working tree to the repository and back; here nothing ever passes through a
     * working tree, so the bytes harden reads are the repository's own and an edit of them is already in
     * repository form. Converting on the way in would rewrite every line of a file the repository stores
     * with CRs under {@code text} (a whole-file diff), and a checkout's CRLF never exists to be undone.
     *
     * @param url what to fetch
     * @param branch the branch, or null for the remote's default branch
     * @param credentials for HTTPS, or null
     * @param timeout how long the server may stay silent
     * @param wanted which regular files to write out
     */
    public static GitRepo cloneShallow(String url, String branch, Credentials credentials, Duration timeout, Wanted wanted)
            throws GitException {
        Redact redact = redaction(url, credentials);
        // Only HTTP carries a password in the URL; an ssh:// user (git@) is the login name and stays.
        Optional<Redact.Userinfo> userinfo = url.regionMatches(true, 0, "http", 0, 4) ? Redact.userinfo(url) : Optional.empty();
        String bare = userinfo.map(Redact.Userinfo::url).orElse(url);
        Credentials effective = userinfo.map(u -> u.password() != null ? new Credentials(u.user(), u.password())
                : credentials != null ? new Credentials(u.user(), credentials.token()) : new Credentials(u.user(), ""))
                .orElse(credentials);
        Path dir;
        try {
            dir = Files.createTempDirectory("harden-clone-");
        } catch (IOException e) {
            throw new GitException("cannot create a folder to clone into: " + e.getMessage());
        }
        Thread cleanup = new Thread(() -> delete(dir), "harden-clone-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Repository repo = null;
        try {
            repo = new FileRepositoryBuilder().setGitDir(dir.resolve(Constants.DOT_GIT).toFile()).setBare().build();
            repo.create(true);
            // recorded as a clone would, without user information: the config never holds a credential
            repo.getConfig().setString("remote", "origin", "url", bare);
            repo.getConfig().save();
            GitRepo git = new GitRepo(repo, bare, "origin", effective, redact, timeout, dir, cleanup, dir, true);
            String name = branch != null ? branch : git.listing().defaultBranch();
            // an empty repository has no default branch: nothing to fetch, and no commit to read
            if (name != null) {
                git.fetchBranch(name);
                BlobsOut.write(repo, git.head(), dir, wanted);
            }
            return git;
        } catch (GitAPIException | IOException | GitException | RuntimeException e) {
            if (repo != null) {
                repo.close();
            }
            delete(dir);
            forget(cleanup);
            String where = redact.apply(bare);
            throw new GitException("cannot clone " + where + ": " + reason(e, redact).replace(where + ": ", ""));
        }
    }

    /** Fetches a branch's tip (depth 1) into the same local branch, and points HEAD at it. */
    private void fetchBranch(String name) throws GitAPIException, IOException, GitException {
        try (Git git = new Git(repository)) {
            git.fetch().setRemote(url).setCredentialsProvider(provider()).setTimeout(timeoutSeconds).setDepth(1)
                    .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + name + ":" + Constants.R_HEADS + name))
                    .setProgressMonitor(NullProgressMonitor.INSTANCE).call();
        }
        if (repository.exactRef(Constants.R_HEADS + name) == null) {
            throw new GitException("it has no branch '" + name + "'");
        }
        RefUpdate head = repository.updateRef(Constants.HEAD);
        head.disableRefLog();
        head.link(Constants.R_HEADS + name);
    }

    /**
     * Writes out one more regular file of the fetched commit, such as a file a repository's config names;
     * false when there is no such regular file or it is already there. Not for a local repository.
     */
    public boolean writeOut(String path) throws GitException {
        String commit = head();
        if (!raw || commit == null) {
            return false;
        }
        try {
            return BlobsOut.writeOne(repository, commit, files, path);
        } catch (IOException e) {
            throw new GitException("cannot write out " + path + ": " + e.getMessage());
        }
    }

    private static Redact redaction(String url, Credentials credentials) {
        return Redact.of(credentials == null ? null : credentials.token()).andUserinfoOf(url);
    }

    private static int seconds(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
    }

    /** Where the files lie: the working tree, or the folder a fetch wrote the wanted files into. */
    public Path workTree() {
        return files;
    }

    /** The remote URL, with any password masked. */
    public String remoteUrl() {
        return url == null ? "(no remote '" + remoteName + "')" : redact.apply(url);
    }

    private String url() throws GitException {
        if (url == null) {
            throw new GitException("the repository at " + workTree() + " has no remote '" + remoteName
                    + "': add one with 'git remote add " + remoteName + " URL', or use --clone URL");
        }
        return url;
    }

    /** The remote's default branch and branch tips, without fetching anything. */
    public Remote remote() throws GitException {
        try {
            return listing();
        } catch (GitAPIException | RuntimeException e) {
            throw new GitException("cannot list the branches of " + remoteUrl() + ": " + reason(e, redact));
        }
    }

    private Remote listing() throws GitAPIException, GitException {
        Map<String, Ref> refs = Git.lsRemoteRepository().setRemote(url()).setCredentialsProvider(provider())
                .setTimeout(timeoutSeconds).callAsMap();
        Map<String, String> heads = new LinkedHashMap<>();
        for (Ref ref : refs.values()) {
            if (ref.getName().startsWith(Constants.R_HEADS) && ref.getObjectId() != null) {
                heads.put(ref.getName().substring(Constants.R_HEADS.length()), ref.getObjectId().name());
            }
        }
        Ref head = refs.get(Constants.HEAD);
        String defaultBranch = null;
        if (head != null && head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
            defaultBranch = head.getTarget().getName().substring(Constants.R_HEADS.length());
        } else if (head != null && head.getObjectId() != null) {
            defaultBranch = guessDefault(heads, head.getObjectId().name());
        }
        return new Remote(defaultBranch, heads);
    }

    private static String guessDefault(Map<String, String> heads, String headId) {
        for (String preferred : List.of("main", "master", "trunk", "develop")) {
            if (headId.equals(heads.get(preferred))) {
                return preferred;
            }
        }
        return heads.entrySet().stream().filter(e -> e.getValue().equals(headId)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** The commit checked out, or null in an empty repository. */
    public String head() throws GitException {
        try {
            ObjectId id = repository.resolve(Constants.HEAD + "^{commit}");
            return id == null ? null : id.name();
        } catch (IOException e) {
            throw new GitException("cannot read HEAD: " + e.getMessage());
        }
    }

    /** Paths with uncommitted changes: modified, staged, deleted or in conflict (untracked files are not counted). */
    public Set<String> uncommitted() throws GitException {
        if (raw) {
            // the files were written from the commit's blobs, byte for byte: none differs from it
            return Set.of();
        }
        try (Git git = new Git(repository)) {
            Status status = git.status().call();
            Set<String> paths = new HashSet<>(status.getUncommittedChanges());
            paths.addAll(status.getConflicting());
            return paths;
        } catch (GitAPIException | RuntimeException e) {
            throw new GitException("cannot read the status of " + workTree() + ": " + e.getMessage());
        }
    }

    /** Whether a path is tracked in a commit. */
    public boolean tracked(String commit, String path) throws GitException {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            return TreeWalk.forPath(repository, path, c.getTree()) != null;
        } catch (IOException e) {
            throw new GitException("cannot read commit " + commit + ": " + e.getMessage());
        }
    }

    /**
     * Writes the tree of a parent commit with some files replaced; nothing else changes. In a local
     * repository each file is stored as {@code git add} would store it: line endings converted as
     * {@code .gitattributes} and {@code core.autocrlf} ask. A file whose attributes name a clean filter
     * ({@code filter=}, such as git-crypt or LFS), an {@code ident} or a {@code working-tree-encoding} is
     * refused, because committing its working-tree bytes could publish a decrypted secret. In a fetched
     * repository the contents are blob bytes and are stored as they are (see {@link #cloneShallow(String,
     * String, Credentials, Duration, Wanted)}); only a clean filter is refused there, because such a blob
     * (an LFS pointer, a ciphertext) is not the file's content and an edit of it means nothing.
     *
     * @param parent the commit whose tree to start from
     * @param files repository-relative paths with {@code /} separators, to their new content (working-tree
     *     content in a local repository, blob content in a fetched one)
     * @return the new tree's id
     */
    public String tree(String parent, Map<String, byte[]> files) throws GitException {
        try (ObjectInserter inserter = repository.newObjectInserter(); ObjectReader reader = repository.newObjectReader();
             RevWalk walk = new RevWalk(reader)) {
            RevCommit base = walk.parseCommit(ObjectId.fromString(parent));
            DirCache index = DirCache.read(reader, base.getTree());
            Map<String, ObjectId> before = new HashMap<>();
            DirCacheEditor editor = index.editor();
            for (String path : files.keySet()) {
                DirCacheEntry old = index.getEntry(path);
                if (old != null) {
                    before.put(path, old.getObjectId());
                }
                // A placeholder until the attributes say what to store: nothing unconverted is written.
                editor.add(new DirCacheEditor.PathEdit(path) {
                    @Override
                    public void apply(DirCacheEntry entry) {
                        if (entry.getRawMode() == 0) {
                            entry.setFileMode(FileMode.REGULAR_FILE);
                        }
                        entry.setObjectId(ObjectId.zeroId());
                    }
                });
            }
            editor.finish();
            WorkingTreeOptions options = repository.getConfig().get(WorkingTreeOptions.KEY);
            try (TreeWalk attributes = new TreeWalk(repository, reader)) {
                attributes.setOperationType(TreeWalk.OperationType.CHECKIN_OP);
                attributes.setAttributesNodeProvider(repository.createAttributesNodeProvider());
                attributes.addTree(new DirCacheIterator(index));
                attributes.setFilter(PathFilterGroup.createFromStrings(files.keySet()));
                attributes.setRecursive(true);
                Set<String> stored = new HashSet<>();
                while (attributes.next()) {
                    String path = attributes.getPathString();
                    if (!files.containsKey(path) || !stored.add(path)) {
                        continue;
                    }
                    Attributes attrs = attributes.getAttributes();
                    byte[] blob;
                    if (raw) {
                        refuseConversions(path, attrs, List.of("filter"));
                        blob = files.get(path);
                    } else {
                        refuseConversions(path, attrs, List.of("filter", "working-tree-encoding", "ident"));
                        blob = checkin(files.get(path), EolStreamTypeUtil.detectStreamType(
                                TreeWalk.OperationType.CHECKIN_OP, options, attrs), before.get(path), reader);
                    }
                    attributes.getTree(0, DirCacheIterator.class).getDirCacheEntry()
                            .setObjectId(inserter.insert(Constants.OBJ_BLOB, blob));
                }
                if (stored.size() != files.size()) {
                    throw new GitException("cannot place every file in the new tree: " + files.keySet() + " became " + stored);
                }
            }
            ObjectId tree = index.writeTree(inserter);
            inserter.flush();
            return tree.name();
        } catch (IOException e) {
            throw new GitException("cannot write the new tree: " + e.getMessage());
        }
    }

    private static void refuseConversions(String path, Attributes attrs, List<String> keys) throws GitException {
        for (String key : keys) {
            Attribute a = attrs.get(key);
            if (a != null && a.getState() != Attribute.State.UNSET && a.getState() != Attribute.State.UNSPECIFIED) {
                String shown = a.getState() == Attribute.State.CUSTOM ? key + "=" + a.getValue() : key;
                throw new GitException(path + " has the git attribute '" + shown + "' (.gitattributes): harden commits only"
                        + " what 'git add' would store and cannot run that conversion, so it commits nothing; leave the"
                        + " file out of the paths you name, or fix it with 'harden fix' and commit it yourself");
            }
        }
    }

    /** The bytes {@code git add} stores for working-tree content, given the line-ending conversion. */
    private static byte[] checkin(byte[] content, EolStreamType type, ObjectId indexed, ObjectReader reader)
            throws IOException {
        if (type == EolStreamType.DIRECT || type == EolStreamType.AUTO_CRLF || type == EolStreamType.TEXT_CRLF) {
            return content;
        }
        // Like git since 2.10: text=auto does not normalise a file the repository already stores with CRs.
        if (type == EolStreamType.AUTO_LF && indexed != null && !indexed.equals(ObjectId.zeroId())
                && containsCr(reader.open(indexed, Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE))) {
            return content;
        }
        try (InputStream in = EolStreamTypeUtil.wrapInputStream(new ByteArrayInputStream(content), type)) {
            return in.readAllBytes();
        }
    }

    private static boolean containsCr(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Writes a commit object (no ref moves) and returns its id. */
    public String commit(String parent, String tree, Identity author, Identity committer, String message)
            throws GitException {
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(ObjectId.fromString(tree));
            commit.setParentId(ObjectId.fromString(parent));
            commit.setAuthor(new PersonIdent(author.name(), author.email()));
            commit.setCommitter(new PersonIdent(committer.name(), committer.email()));
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id.name();
        } catch (IOException e) {
            throw new GitException("cannot write the commit: " + e.getMessage());
        }
    }

    /**
     * Fetches the tip of a remote branch (only the tip when this repository is shallow) without
     * creating or moving any ref, and describes it.
     */
    public Tip fetchTip(String branch) throws GitException {
        try (Git git = new Git(repository)) {
            var fetch = git.fetch().setRemote(url()).setCredentialsProvider(provider()).setTimeout(timeoutSeconds)
                    .setRefSpecs(new RefSpec(Constants.R_HEADS + branch)).setProgressMonitor(NullProgressMonitor.INSTANCE);
            if (!repository.getObjectDatabase().getShallowCommits().isEmpty()) {
                fetch.setDepth(1);
            }
            var result = fetch.call();
            Ref ref = result.getAdvertisedRef(Constants.R_HEADS + branch);
            if (ref == null || ref.getObjectId() == null) {
                throw new GitException("branch " + branch + " disappeared from " + remoteUrl() + " while harden read it");
            }
            try (RevWalk walk = new RevWalk(repository)) {
                RevCommit c = walk.parseCommit(ref.getObjectId());
                PersonIdent committer = c.getCommitterIdent();
                PersonIdent author = c.getAuthorIdent();
                return new Tip(c.name(), c.getTree().name(), identity(committer), identity(author), c.getFullMessage());
            }
        } catch (GitAPIException | IOException | RuntimeException e) {
            throw new GitException("cannot fetch branch " + branch + " from " + remoteUrl() + ": " + reason(e, redact));
        }
    }

    private static Identity identity(PersonIdent p) {
        String name = p.getName().isBlank() ? "?" : p.getName();
        String email = p.getEmailAddress().contains("@") ? p.getEmailAddress() : p.getEmailAddress() + "@?";
        return new Identity(name, email);
    }

    /**
     * Pushes a commit to a remote branch, only if the branch is still where harden saw it.
     *
     * @param commit the commit to push
     * @param branch the remote branch
     * @param expectedOld the commit harden saw there, or null when the branch must not exist yet
     * @return the server's answer for this ref: a rejected push is a status, not an exception
     */
    public Push push(String commit, String branch, String expectedOld) throws GitException {
        ObjectId expected = expectedOld == null ? ObjectId.zeroId() : ObjectId.fromString(expectedOld);
        try (Transport transport = Transport.open(repository, new URIish(url()))) {
            transport.setCredentialsProvider(provider());
            transport.setTimeout(timeoutSeconds);
            RemoteRefUpdate update = new RemoteRefUpdate(repository, (String) null, ObjectId.fromString(commit),
                    Constants.R_HEADS + branch, true, null, expected);
            PushResult result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
            Collection<RemoteRefUpdate> updates = result.getRemoteUpdates();
            List<String> notes = new ArrayList<>();
            RemoteRefUpdate answered = updates.isEmpty() ? update : updates.iterator().next();
            if (answered.getMessage() != null) {
                notes.add(answered.getMessage());
            }
            String remoteLines = result.getMessages();
            if (remoteLines != null && !remoteLines.isBlank()) {
                notes.add(remoteLines.strip().replace('\n', ' '));
            }
            return new Push(answered.getStatus().name(), redact.apply(String.join("; ", notes)));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw new GitException("cannot push to " + remoteUrl() + ": " + reason(e, redact));
        }
    }

    private CredentialsProvider provider() {
        return credentials == null ? null : credentials.provider();
    }

    private static String reason(Throwable e, Redact redact) {
        StringBuilder out = new StringBuilder();
        Set<String> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(String.valueOf(t.getMessage())); t = t.getCause()) {
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                out.append(out.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return redact.apply(out.length() == 0 ? e.getClass().getSimpleName() : out.toString());
    }

    @Override
    public void close() {
        repository.close();
        if (temporary != null) {
            delete(temporary);
            forget(cleanup);
        }
    }

    private static void forget(Thread cleanup) {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook runs and finds nothing left to delete.
        }
    }

    private static void delete(Path dir) {
        try {
            FileUtils.delete(dir.toFile(), FileUtils.RECURSIVE | FileUtils.RETRY | FileUtils.SKIP_MISSING);
        } catch (IOException e) {
            // A leftover temporary clone is harmless; the run's outcome matters more.
        }
    }
}
