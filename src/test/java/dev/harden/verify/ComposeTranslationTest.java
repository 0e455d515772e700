package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeFile;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Compose service becomes the container options Compose would create it with. */
class ComposeTranslationTest {
    private static final Path FOLDER = Path.of("/srv/app");

    @Test
    void theOptionsHardeningWritesReachTheContainer() throws Exception {
        ContainerSpec s = translate("""
                services:
                  db:
                    image: ${DB_IMAGE:-local/postgres:deb}
                    user: "999:999"
                    cap_drop: [ALL]
                    cap_add: [CHOWN, SETUID]
                    security_opt: ["no-new-privileges:true"]
                    read_only: true
                    tmpfs:
                      - /var/run/postgresql
                      - /tmp:size=64m
                    pids_limit: 200
                    deploy:
                      resources:
                        limits: {cpus: "0.5", memory: 512M}
                        reservations: {memory: 128M}
                    volumes:
                      - data:/var/lib/postgresql/data
                      - ./init.sql:/docker-entrypoint-initdb.d/init.sql:ro
                      - /scratch
                    ports: ["15432:5432"]
                """, Map.of());

        assertThat(s.image()).isEqualTo("local/postgres:deb");
        assertThat(s.user()).isEqualTo("999:999");
        assertThat(s.capDrop()).containsExactly("ALL");
        assertThat(s.capAdd()).containsExactly("CHOWN", "SETUID");
        assertThat(s.securityOpt()).containsExactly("no-new-privileges:true");
        assertThat(s.readOnly()).isTrue();
        assertThat(s.tmpfs()).isEqualTo(Map.of("/var/run/postgresql", "", "/tmp", "size=64m"));
        assertThat(s.pidsLimit()).isEqualTo(200L);
        assertThat(s.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(s.memory()).isEqualTo(512L << 20);
        assertThat(s.memoryReservation()).isEqualTo(128L << 20);
        assertThat(s.mounts()).containsExactly(
                new ContainerSpec.Mount(true, "data", "/var/lib/postgresql/data", false),
                new ContainerSpec.Mount(false, "/srv/app/init.sql", "/docker-entrypoint-initdb.d/init.sql", true),
                new ContainerSpec.Mount(true, "", "/scratch", false));
        assertThat(s.ports()).containsExactly(5432, 80);
    }

    @Test
    void commandsEnvironmentAndHealthchecksAreReadTheWayComposeReadsThem() throws Exception {
        ContainerSpec s = translate("""
                services:
                  app:
                    image: local/busybox:static
                    entrypoint: sh -c 'echo "$$HOME" && exec sleep 60'
                    environment:
                      - MODE=${MODE}
                      - FROM_HOST
                      - MISSING
                    healthcheck:
                      test: wget -q -O- http://localhost/
                      interval: 1m30s
                      start_period: 500ms
                      retries: 3
                """, Map.of("MODE", "prod", "FROM_HOST", "yes"));

        assertThat(s.entrypoint()).containsExactly("sh", "-c", "echo \"$HOME\" && exec sleep 60");
        assertThat(s.command()).isNull();
        assertThat(s.env()).containsExactly("MODE=prod", "FROM_HOST=yes");
        assertThat(s.health()).isEqualTo(new ContainerSpec.Health(List.of("CMD-SHELL", "wget -q -O- http://localhost/"),
                90_000_000_000L, 0, 3, 500_000_000L));
    }

    @Test
    void aValueComposeWouldRejectIsRefusedWithTheValue() {
        assertThatThrownBy(() -> translate("services:\n  a:\n    image: x\n    mem_limit: lots\n", Map.of()))
                .hasMessageContaining("'lots'");
    }

    private static ContainerSpec translate(String text, Map<String, String> vars) throws Exception {
        ComposeFile file = ComposeFile.detect(YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT)).orElseThrow();
        return new ComposeTranslation(FOLDER, vars).translate(file.services().get(0), new ImageFacts("x", "root", false, null,
                List.of(), List.of(), List.of(), true, true, List.of(80), "documented", List.of(), null));
    }
}
