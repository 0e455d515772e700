package dev.harden.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where logins come from, and in which order. */
class LoginsTest {
    @TempDir
    Path dir;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void variablesNameTheHostWithEveryOtherCharacterAsAnUnderscore() {
        Logins l = Logins.of(Map.of("HARDEN_REGISTRY_GHCR_IO_USERNAME", "u", "HARDEN_REGISTRY_GHCR_IO_PASSWORD", "p"), null, dir);

        assertThat(l.forHost("ghcr.io")).contains(new Login("u", "p"));
        assertThat(l.forHost("quay.io")).isEmpty();
    }

    @Test
    void dockerHubIsFoundUnderAnyOfItsNames() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hubuser:hubpass") + "\"}}}");

        assertThat(Logins.of(Map.of(), config, dir).forHost(ManifestRef.DOCKER_HUB)).contains(new Login("hubuser", "hubpass"));
        assertThat(Logins.of(Map.of("HARDEN_REGISTRY_DOCKER_IO_USERNAME", "v", "HARDEN_REGISTRY_DOCKER_IO_PASSWORD", "w"), config, dir)
                .forHost(ManifestRef.DOCKER_HUB)).contains(new Login("v", "w"));
    }

    @Test
    void aCredentialHelperIsAskedWithTheServerOnItsInput() throws Exception {
        Path helper = dir.resolve("docker-credential-fake");
        Files.writeString(helper, """
                #!/bin/sh
                read server
                [ "$1" = get ] && [ "$server" = "registry.example.com" ] || exit 1
                echo '{"ServerURL":"registry.example.com","Username":"robot","Secret":"from-helper"}'
                """);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"credHelpers\":{\"registry.example.com\":\"fake\"},"
                + "\"auths\":{\"registry.example.com\":{\"auth\":\"" + b64("stale:stale") + "\"}}}");

        assertThat(Logins.of(Map.of(), config, dir).forHost("registry.example.com")).contains(new Login("robot", "from-helper"));
    }

    @Test
    void aBrokenConfigFileMeansNoLoginRatherThanAFailure() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"auths\": {\"x\": ");

        assertThat(Logins.of(Map.of(), config, dir).forHost("x")).isEmpty();
        assertThat(Logins.of(Map.of(), dir.resolve("missing.json"), dir).forHost("x")).isEmpty();
    }

    @Test
    void aLoginNeverPrintsItsSecret() {
        assertThat(new Login("u", "hunter2").toString()).doesNotContain("hunter2");
    }
}
