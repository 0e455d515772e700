package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageRefTest {
    private static final List<String> MOVING = List.of("latest", "stable", "lts", "mainline");

    private static Optional<String> floating(String image) {
        return ImageRef.parse(image).orElseThrow().floating(MOVING);
    }

    @Test
    void fullVersionsDatesCommitsAndDigestsArePinned() {
        for (String image : List.of("nginx:1.27.3", "nginx:1.27", "postgres:17.2", "traefik:v2.4.1", "postgres:15.4-alpine3.19",
                "example/app:20240115", "minio/minio:RELEASE.2024-01-15T00-00-00Z", "example/app:sha-1a2b3c4",
                "ubuntu:jammy-20240125", "redis:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")) {
            assertThat(floating(image)).as(image).isEmpty();
        }
    }

    @Test
    void channelsAndMajorVersionsFloatAndSayWhy() {
        assertThat(floating("busybox")).contains("it has no tag, so it follows 'latest'");
        assertThat(floating("nginx:stable-alpine")).contains("'stable-alpine' names a channel, not a version, so it moves with every release");
        assertThat(floating("example/app:release")).contains("'release' names a channel, not a version, so it moves with every release");
        assertThat(floating("nginx:alpine")).hasValueSatisfying(w -> assertThat(w).contains("names a channel"));
        assertThat(floating("example/app:LATEST")).hasValueSatisfying(w -> assertThat(w).contains("names a channel"));
        assertThat(floating("redis:7-alpine")).contains("'7-alpine' names only major version 7, so it moves with every minor and patch release");
        assertThat(floating("redis:7")).contains("'7' names only major version 7, so it moves with every minor and patch release");
        assertThat(floating("traefik:v3")).contains("'v3' names only major version 3, so it moves with every minor and patch release");
        assertThat(floating("example/app:java17")).contains("'java17' names no full version, so it may move");
    }
}
