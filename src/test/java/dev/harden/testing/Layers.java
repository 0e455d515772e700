package dev.harden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image layers made by GNU tar from folders a test writes (a second opinion on the tar format),
 * and images of them pushed to a {@link RegistryServer}. Owners are set with chown, so it needs root.
 */
public final class Layers {
    private Layers() {
    }

    /** One path of a layer: a folder when it ends in {@code /}, else a file with this content, owned by uid. */
    public record Item(String path, int uid, String content) {
    }

    public static boolean canChown() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A layer (gzipped when asked) of these items, built in {@code work/name}. */
    public static byte[] layer(Path work, String name, boolean gzip, Item... items) throws IOException, InterruptedException {
        Path root = Files.createDirectories(work.resolve(name));
        for (Item i : items) {
            Path p = root.resolve(i.path());
            if (i.path().endsWith("/")) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.writeString(p, i.content());
            }
            Files.setAttribute(p, "unix:uid", i.uid());
        }
        Path out = work.resolve(name + (gzip ? ".tar.gz" : ".tar"));
        Process tar = new ProcessBuilder("tar", "--numeric-owner", "-C", root.toString(), gzip ? "-czf" : "-cf", out.toString(), ".")
                .redirectErrorStream(true).start();
        String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0) {
            throw new IOException("tar failed: " + said);
        }
        return Files.readAllBytes(out);
    }

    /** Pushes an image of this config and these gzipped layers under a tag; returns the manifest digest. */
    public static String push(RegistryServer server, String repository, String tag, String config, byte[]... layers)
            throws IOException, InterruptedException {
        byte[] cfg = config.getBytes(StandardCharsets.UTF_8);
        String cfgDigest = server.pushBlob(repository, cfg);
        List<String> entries = new ArrayList<>();
        for (byte[] l : layers) {
            entries.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%d}"
                    .formatted(server.pushBlob(repository, l), l.length));
        }
        return server.pushManifest(repository, tag, "application/vnd.oci.image.manifest.v1+json", """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[%s]}""".formatted(cfgDigest, cfg.length, String.join(",", entries)));
    }
}
