package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlFile;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageKnowledgeTest {

    @Test
    void parsesReferencesTheWayTheEngineReadsThem() {
        assertThat(ImageRef.parse("nginx").orElseThrow()).extracting(ImageRef::name, ImageRef::tag, ImageRef::effectiveTag)
                .containsExactly("nginx", null, "latest");
        assertThat(ImageRef.parse("docker.io/library/postgres:17.2").orElseThrow().name()).isEqualTo("postgres");
        ImageRef local = ImageRef.parse("localhost:5000/team/app:1.4@sha256:abc").orElseThrow();
        assertThat(local).extracting(ImageRef::registry, ImageRef::repository, ImageRef::tag, ImageRef::digest)
                .containsExactly("localhost:5000", "team/app", "1.4", "sha256:abc");
        assertThat(ImageRef.parse("quay.io/keycloak/keycloak:26.0").orElseThrow().name()).isEqualTo("quay.io/keycloak/keycloak");
        assertThat(ImageRef.parse("${REGISTRY:-ghcr.io}/acme/api:${TAG:-2.1}").orElseThrow().text()).isEqualTo("ghcr.io/acme/api:2.1");
        assertThat(ImageRef.parse("acme/api:${TAG}")).isEmpty();
        assertThat(ImageRef.parse("${IMAGE?required}")).isEmpty();
    }

    @Test
    void knowsAtLeastThirtyImagesEachWithAnHttpsSourceAndNoProofYetClaimed() throws Exception {
        ImageKnowledge k = ImageKnowledge.builtIn();
        assertThat(k.size()).isGreaterThanOrEqualTo(30);
        try (InputStream in = ImageKnowledge.class.getResourceAsStream("/dev/harden/profiles/images.yaml")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) Plain.of(YamlFile.parse(in.readAllBytes(), Limits.DEFAULT).documents().get(0));
            for (Object o : (List<?>) root.get("images")) {
                Map<?, ?> e = (Map<?, ?>) o;
                assertThat((List<?>) e.get("sources")).as("%s", e.get("name")).isNotEmpty()
                        .allSatisfy(s -> assertThat(String.valueOf(s)).startsWith("https://"));
                assertThat(e.get("evidence")).as("%s", e.get("name")).isIn("documented", "derived", "proven");
            }
        }
    }

    @Test
    void appliesEveryTagVariantThatMatchesInOrder() {
        ImageKnowledge k = ImageKnowledge.builtIn();
        assertThat(k.lookup(ImageRef.parse("nginx:1.27-alpine").orElseThrow()).orElseThrow().writablePaths()).contains("/run");
        assertThat(k.lookup(ImageRef.parse("nginx:1.27").orElseThrow()).orElseThrow().writablePaths()).contains("/var/run");
        ImageFacts pg16alpine = k.lookup(ImageRef.parse("postgres:16-alpine").orElseThrow()).orElseThrow();
        assertThat(pg16alpine.dataPaths()).containsExactly("/var/lib/postgresql/data");
        assertThat(pg16alpine.nonRootUid()).isEqualTo("70:70");
        ImageFacts postgres = k.lookup(ImageRef.parse("postgres:17").orElseThrow()).orElseThrow();
        assertThat(postgres.dropsPrivileges()).isTrue();
        assertThat(postgres.rootCapabilities()).contains("CHOWN", "SETUID", "SETGID");
        assertThat(k.lookup(ImageRef.parse("example/unknown:1").orElseThrow())).isEmpty();
    }

    @Test
    void aUsersOwnEntriesWinOverTheBuiltInOnes() throws Exception {
        ImageKnowledge mine = ImageKnowledge.parse("""
                images:
                  - name: nginx
                    runsAs: "101"
                    writablePaths: [/tmp]
                    sources: [https://example.org/our-nginx]
                  - name: acme/api
                    runsAs: root
                    nonRootUid: "1000:1000"
                    sources: [https://example.org/api]
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8), "mine.yaml");
        ImageKnowledge k = ImageKnowledge.builtIn().with(mine);
        assertThat(k.lookup(ImageRef.parse("nginx:1").orElseThrow()).orElseThrow().runsAs()).isEqualTo("101");
        assertThat(k.lookup(ImageRef.parse("acme/api:2").orElseThrow()).orElseThrow().nonRootUid()).isEqualTo("1000:1000");
    }

    @Test
    void factsLearnedInThisRunWinForThatImageOnlyAndLeaveTheKnowledgeTheyCameFromUnchanged() {
        ImageFacts learned = new ImageFacts("postgres", "root", true, null, List.of("CHOWN", "SETUID", "SETGID"),
                List.of("/run/postgresql"), List.of(), true, true, List.of(), "learned", List.of("learned: 4 trials"), null);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ImageKnowledge base = ImageKnowledge.builtIn().withFallback(ref -> {
            asked.incrementAndGet();
            return java.util.Optional.of(ImageFacts.unknown(ref.name()));
        });

        ImageKnowledge run = base.learnedInRun(ImageRef.parse("postgres:17").orElseThrow(), learned);

        assertThat(run.lookup(ImageRef.parse("docker.io/library/postgres:17").orElseThrow())).contains(learned);
        assertThat(run.lookup(ImageRef.parse("postgres:17@sha256:" + "a".repeat(64)).orElseThrow()))
                .as("a digest pin written by a rule keeps the learned facts").contains(learned);
        assertThat(run.lookup(ImageRef.parse("postgres:16").orElseThrow()).orElseThrow().evidence()).as("another tag").isNotEqualTo("learned");
        assertThat(base.lookup(ImageRef.parse("postgres:17").orElseThrow()).orElseThrow().rootCapabilities())
                .as("the shipped entry, unchanged outside the run").contains("DAC_OVERRIDE");
        run.lookup(ImageRef.parse("acme/api:1").orElseThrow());
        base.lookup(ImageRef.parse("acme/api:1").orElseThrow());
        assertThat(asked).as("the registry's answer is shared, not asked for again").hasValue(1);
    }
}
