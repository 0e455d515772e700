package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.image.ImageFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory floor a JVM's heap sets, from the manifest first and else from the image's own config. */
class JvmHeapTest {
    private static ImageFacts image(List<String> memoryHints) {
        return new ImageFacts("team/jvm", "root", false, null, List.of(), List.of("/tmp"), List.of(), true, true, List.of(),
                "image", List.of(), null, memoryHints);
    }

    @Test
    void aHeapInTheImageConfigSetsTheFloorAndSaysWhereItIs() {
        JvmHeap.Need need = JvmHeap.of(List.of("postgres"), image(List.of("JAVA_OPTS=-Xms1g"))).orElseThrow();

        assertThat(need.heap()).isEqualTo(1L << 30);
        // 1024 MiB + a third (341 MiB) + 64 MiB = 1429 MiB, rounded up to a multiple of 64 MiB
        assertThat(need.limitMi()).isEqualTo(1472);
        assertThat(need.named()).isEqualTo("-Xms1g set in the image config");
    }

    @Test
    void aHeapDefaultInAScriptOfTheImageSetsTheFloorAndNamesTheScript() {
        JvmHeap.Need need = JvmHeap.of(List.of(), image(List.of("JAVA_OPTS=-Xms1g", "image files: /docker-entrypoint.sh: -Xmx2g",
                "image files: /opt/app/bin/run-app: -Xmx512m"))).orElseThrow();

        assertThat(need.heap()).isEqualTo(2L << 30);
        // 2048 MiB + a third (682 MiB) + 64 MiB = 2794 MiB, rounded up to a multiple of 64 MiB
        assertThat(need.limitMi()).isEqualTo(2816);
        assertThat(need.named()).isEqualTo("-Xmx2g set in the image file /docker-entrypoint.sh");
        assertThat(JvmHeap.of(List.of("JAVA_OPTS=-Xmx256m"), image(List.of("image files: /docker-entrypoint.sh: -Xmx2g")))
                .orElseThrow().named()).as("the service's own JAVA_OPTS replaces the script's default").isEqualTo("-Xmx256m");
    }

    @Test
    void theManifestsOwnHeapReplacesTheImages() {
        JvmHeap.Need need = JvmHeap.of(List.of("-Xmx512m"), image(List.of("JAVA_OPTS=-Xms1g"))).orElseThrow();

        assertThat(need.flag()).isEqualTo("-Xmx512m");
        assertThat(need.named()).as("the manifest is not named: messages stay as they were").isEqualTo("-Xmx512m");
    }

    @Test
    void theLargestHeapOfTheImageCountsAndNoneGivesNoFloor() {
        assertThat(JvmHeap.of(List.of(), image(List.of("Entrypoint: -Xmx768m", "ES_JAVA_OPTS=-Xms2g -Xmx2g"))).orElseThrow().flag())
                .isEqualTo("-Xms2g");
        assertThat(JvmHeap.of(List.of(), image(List.of()))).isEmpty();
        assertThat(JvmHeap.of(List.of(), ImageFacts.unknown("x"))).isEmpty();
    }
}
