package dev.harden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ComposeSchemaTest {

    @Test
    void theSchemaAcceptsWhatHardenWritesAndRejectsANumericUserOrAStringCapDrop() {
        Assumptions.assumeTrue(ComposeSchema.available(), Needs.SCHEMA);
        assertThat(ComposeSchema.errors("""
                services:
                  app:
                    image: example/app:1.0
                    user: "1000:1000"
                    cap_drop: [ALL]
                    read_only: true
                    tmpfs: [/tmp]
                    pids_limit: 200
                    deploy: {resources: {limits: {cpus: "1.0", memory: 512M}}}
                """)).isEmpty();
        assertThat(ComposeSchema.errors("services:\n  app:\n    image: x\n    user: 1000\n")).isNotEmpty();
        assertThat(ComposeSchema.errors("services:\n  app:\n    image: x\n    cap_drop: ALL\n")).isNotEmpty();
    }
}
