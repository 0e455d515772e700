package dev.harden.registry;

import dev.harden.registry.RegistryException.Failure;
import dev.harden.json.Json;
import dev.harden.registry.Fetcher.Answer;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client for the OCI Distribution API, the handful of reads harden needs: resolve a tag to the
 * digest of what it points at, list tags, read an image's manifest and blobs. Every answer is
 * untrusted: bodies are size-capped and checked against their digests, each request has a total
 * deadline, redirects drop credentials when they leave the host, and credentials go only to the
 * registry or the token service it names, over HTTPS (plain HTTP only to loopback or to hosts the
 * user names as insecure).
 */
public final class Registry {
    static final long MANIFEST_LIMIT = 4L << 20;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final Map<String, String> mirrors;
    private final Fetcher fetcher;

    private Registry(Logins logins, Set<String> insecure, Duration deadline, Map<String, String> mirrors) {
        this.mirrors = Map.copyOf(mirrors);
        this.fetcher = new Fetcher(logins, new Transport(insecure, deadline));
    }

    /**
     * A client with these logins.
     *
     * @param insecureHosts hosts (with port) the user allows over plain HTTP; loopback always is
     * @param deadline the longest one request may take, answer body included
     */
    public static Registry create(Logins logins, Set<String> insecureHosts, Duration deadline) {
        return create(logins, insecureHosts, deadline, Map.of());
    }

    /**
     * A client that asks a mirror first for the registries it names ({@code docker.io} for Docker
     * Hub), and the registry itself when the mirror lacks the image or cannot be reached. Digests
     * name content, so a mirror cannot change what a tag pins, only whether it is found.
     */
    public static Registry create(Logins logins, Set<String> insecureHosts, Duration deadline, Map<String, String> mirrors) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        Map<String, String> byHost = new java.util.HashMap<>();
        mirrors.forEach((registry, mirror) -> byHost.put(ManifestRef.of(registry, "x", "latest").host(), mirror));
        return new Registry(logins, insecureHosts, deadline, byHost);
    }

    /**
     * What a tag (or digest) points at. The digest is computed from the bytes served and must match
     * the registry's {@code Docker-Content-Digest}; a multi-platform image resolves to its index.
     */
    public Resolution resolve(ManifestRef ref) throws RegistryException {
        Optional<ManifestRef> mirrored = mirrored(ref);
        if (mirrored.isPresent()) {
            try {
                Resolution r = resolveAt(mirrored.get());
                return new Resolution(ref, r.digest(), r.mediaType(), r.platforms());
            } catch (RegistryException e) {
                if (e.failure() != Failure.NOT_FOUND && e.failure() != Failure.UNREACHABLE) {
                    throw e;
                }
            }
        }
        return resolveAt(ref);
    }

    private Optional<ManifestRef> mirrored(ManifestRef ref) {
        String mirror = mirrors.get(ref.host());
        if (mirror == null || mirror.equals(ref.host())) {
            return Optional.empty();
        }
        return Optional.of(new ManifestRef(mirror, ref.repository(), ref.reference()));
    }

    private Resolution resolveAt(ManifestRef ref) throws RegistryException {
        Answer a = manifest(ref, MediaTypes.ACCEPT_ANY);
        Map<?, ?> body = json(a, ref);
        String type = mediaType(a, body);
        List<Platform> platforms = new ArrayList<>();
        if (MediaTypes.isIndex(type) && body.get("manifests") instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m && m.get("platform") instanceof Map<?, ?> p) {
                    Platform platform = new Platform(str(p.get("os")), str(p.get("architecture")), str(p.get("variant")));
                    // Build attestations are listed as unknown/unknown; they are not a platform anyone runs.
                    if (!platform.os().equals("unknown")) {
                        platforms.add(platform);
                    }
                }
            }
        }
        return new Resolution(ref, a.digest(), type, platforms);
    }

    /**
     * The digest a tag points at, as the registry's {@code Docker-Content-Digest} header says on a
     * {@code HEAD} (which Docker Hub does not count against its pull limit); a registry that does
     * not say is asked with a {@code GET}, whose bytes are hashed. For comparing tags only: a digest
     * written into a file comes from {@link #resolve}.
     */
    public String digest(ManifestRef ref) throws RegistryException {
        Optional<ManifestRef> mirrored = mirrored(ref);
        if (mirrored.isPresent()) {
            try {
                return digestAt(mirrored.get());
            } catch (RegistryException e) {
                if (e.failure() != Failure.NOT_FOUND && e.failure() != Failure.UNREACHABLE) {
                    throw e;
                }
            }
        }
        return digestAt(ref);
    }

    private String digestAt(ManifestRef ref) throws RegistryException {
        Answer a = fetcher.get(ref, "/v2/" + ref.repository() + "/manifests/" + ref.reference(), MediaTypes.ACCEPT_ANY, 0, true);
        Optional<String> said = a.response().headers().firstValue("Docker-Content-Digest");
        if (said.isPresent() && said.get().matches("sha256:[0-9a-f]{64}")) {
            return said.get();
        }
        return resolveAt(ref).digest();
    }

    /**
     * The image manifest for one platform: an index is followed to the entry for that platform
     * ({@code linux/amd64} when {@code platform} is null and the index has it).
     */
    public ImageManifest imageManifest(ManifestRef ref, Platform platform) throws RegistryException {
        Answer a = manifest(ref, MediaTypes.ACCEPT_ANY);
        Map<?, ?> body = json(a, ref);
        String type = mediaType(a, body);
        if (MediaTypes.isIndex(type)) {
            Platform want = platform == null ? new Platform("linux", "amd64", "") : platform;
            String chosen = null;
            if (body.get("manifests") instanceof List<?> entries) {
                for (Object e : entries) {
                    if (e instanceof Map<?, ?> m && m.get("platform") instanceof Map<?, ?> p
                            && want.os().equals(str(p.get("os"))) && want.architecture().equals(str(p.get("architecture")))
                            && (want.variant().isEmpty() || want.variant().equals(str(p.get("variant"))))
                            && m.get("digest") instanceof String d) {
                        chosen = d;
                        break;
                    }
                }
            }
            if (chosen == null) {
                throw new RegistryException(Failure.NOT_FOUND, ref + " has no image for " + want);
            }
            ManifestRef platformRef;
            try {
                platformRef = ref.at(chosen);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": the index names an invalid digest");
            }
            a = manifest(platformRef, MediaTypes.ACCEPT_IMAGE);
            body = json(a, platformRef);
            type = mediaType(a, body);
        }
        if (!MediaTypes.isImage(type) || !(body.get("config") instanceof Map<?, ?> config)
                || !(config.get("digest") instanceof String configDigest)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": not an image manifest (" + type + ")");
        }
        List<ImageManifest.Layer> layers = new ArrayList<>();
        if (body.get("layers") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> l && l.get("digest") instanceof String d) {
                    long size = l.get("size") instanceof Number n ? n.longValue() : -1;
                    layers.add(new ImageManifest.Layer(d, size, str(l.get("mediaType"))));
                }
            }
        }
        return new ImageManifest(a.digest(), configDigest, layers);
    }

    /** A blob's bytes, refused when larger than {@code limit} or when they do not match the digest. */
    public byte[] blob(ManifestRef repository, String digest, long limit) throws RegistryException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: '" + digest + "'");
        }
        Answer a = fetcher.get(repository, "/v2/" + repository.repository() + "/blobs/" + digest, null, limit);
        if (!a.digest().equals(digest)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, repository.host() + "/" + repository.repository()
                    + ": blob " + digest + " came back with other content");
        }
        return a.body();
    }

    /**
     * A blob as a stream, for blobs too large to hold (image layers): reading it fails once more than
     * {@code limit} bytes came, or at its end when the bytes do not match the digest, so a reader
     * trusts what it read only after reading to the end. The caller closes it.
     */
    public InputStream blobStream(ManifestRef repository, String digest, long limit) throws RegistryException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: '" + digest + "'");
        }
        return fetcher.stream(repository, "/v2/" + repository.repository() + "/blobs/" + digest, digest, limit);
    }

    /** The repository's tags in the registry's order, following {@code Link} pages, at most {@code max}. */
    public List<String> tags(ManifestRef repository, int max) throws RegistryException {
        List<String> tags = new ArrayList<>();
        String path = "/v2/" + repository.repository() + "/tags/list?n=" + Math.min(max, 100);
        for (int page = 0; path != null && tags.size() < max && page < 50; page++) {
            Answer a = fetcher.get(repository, path, "application/json", MANIFEST_LIMIT);
            if (json(a, repository).get("tags") instanceof List<?> list) {
                for (Object t : list) {
                    if (t instanceof String s && tags.size() < max) {
                        tags.add(s);
                    }
                }
            }
            path = null;
            Optional<String> link = a.response().headers().firstValue("Link");
            if (link.isPresent()) {
                Matcher m = NEXT.matcher(link.get());
                if (m.find()) {
                    URI next = URI.create("/").resolve(m.group(1));
                    // A next page is a path on the same registry; anything else is ignored.
                    if (next.getHost() == null && next.getRawPath().startsWith("/v2/")) {
                        path = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
                    }
                }
            }
        }
        return tags;
    }

    private Answer manifest(ManifestRef ref, String accept) throws RegistryException {
        Answer a = fetcher.get(ref, "/v2/" + ref.repository() + "/manifests/" + ref.reference(), accept, MANIFEST_LIMIT);
        Optional<String> said = a.response().headers().firstValue("Docker-Content-Digest");
        if (said.isPresent() && said.get().startsWith("sha256:") && !said.get().equals(a.digest())) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": the registry's digest " + said.get()
                    + " does not match the manifest it sent (" + a.digest() + ")");
        }
        if (ref.byDigest() && ref.reference().startsWith("sha256:") && !ref.reference().equals(a.digest())) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": the registry sent another manifest (" + a.digest() + ")");
        }
        return a;
    }

    private static Map<?, ?> json(Answer a, ManifestRef ref) throws RegistryException {
        try {
            if (Json.parse(new String(a.body(), StandardCharsets.UTF_8)) instanceof Map<?, ?> m) {
                return m;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref.host() + "/" + ref.repository() + ": the answer is not a JSON object");
    }

    private static String mediaType(Answer a, Map<?, ?> body) {
        if (body.get("mediaType") instanceof String t && !t.isBlank()) {
            return t;
        }
        String header = a.response().headers().firstValue("Content-Type").orElse("");
        int semi = header.indexOf(';');
        return (semi >= 0 ? header.substring(0, semi) : header).strip();
    }

    private static String str(Object o) {
        return o instanceof String s ? s : "";
    }


    /** Loopback by name or literal address; never resolved through DNS, which an attacker may control. */
    static boolean loopback(String hostWithPort) {
        return Transport.loopback(hostWithPort);
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
