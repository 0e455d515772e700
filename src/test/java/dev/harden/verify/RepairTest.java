package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify repairs before it retreats, against an engine in memory: a service the first hardening
 * stopped is hardened again with facts learned from its original start, and that is kept when it
 * runs and gives up no control; else the rule to blame is found and left out as before.
 */
class RepairTest {
    private static final String NGINX = "services:\n  web:\n    image: local/nginx:deb\n";
    private static final String PROVENANCE = "learned on 2026-11-29 with Fake Engine 1.0 from image sha256:0f (local/nginx:deb): 4 trials";

    @TempDir
    Path dir;

    /** Debian's nginx as measured: under cap_drop ALL it needs CHOWN back. */
    private static FakeEngine.Behaviour nginx(ContainerSpec s) {
        if (s.capDrop().contains("ALL") && !s.capAdd().contains("CHOWN")) {
            return new FakeEngine.Behaviour(false, List.of("[emerg] 1#1: chown(\"/var/lib/nginx/body\", 33) failed (1: Operation not permitted)"));
        }
        return new FakeEngine.Behaviour(true, List.of("up"));
    }

    @Test
    void aHardeningThatStopsTheServiceIsRepairedWithFactsLearnedFromItsOriginalAndTheRepairIsTheFix() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), RepairTest::nginx);
        List<ContainerSpec> searched = new ArrayList<>();
        PrunedFix fix;
        try (VerifySession v = session(engine)) {
            v.learnWith((spec, local) -> {
                searched.add(spec);
                return new Repairs.Learned(learned(List.of("CHOWN", "SETUID", "SETGID"), true), 4);
            });
            fix = v.fix(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8));
        }

        ServiceResult r = fix.results().get(0);
        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.REPAIRED);
        assertThat(searched).as("the search starts the service as written").singleElement()
                .satisfies(spec -> assertThat(spec.capDrop()).isEmpty());
        assertThat(r.repair().steps()).containsExactly("kept cap_drop: [ALL]", "added back CHOWN, SETUID, SETGID");
        assertThat(r.repair().facts()).isEqualTo("learned (" + PROVENANCE + ")");
        assertThat(r.reason()).startsWith("kept cap_drop: [ALL]; added back CHOWN, SETUID, SETGID; facts: learned (" + PROVENANCE
                + "); as first hardened: ");
        assertThat(r.logLine()).contains("Operation not permitted");
        assertThat(r.culprits()).isEmpty();
        assertThat(r.changes()).contains("cap-drop-all", "read-only-root-filesystem");
        assertThat(fix.leftOut()).isEmpty();
        assertThat(new String(fix.report().fixed(), StandardCharsets.UTF_8))
                .contains("    cap_drop:\n      - ALL\n    cap_add:\n      - CHOWN\n      - SETUID\n      - SETGID\n");
        assertThat(engine.starts).as("before, the first hardening, the repaired one").isEqualTo(3);
        assertThat(engine.live).isEmpty();
    }

    @Test
    void aRepairThatWouldGiveUpAControlIsNoRepairAndTheRuleToBlameIsLeftOutAsBefore() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), RepairTest::nginx);
        PrunedFix fix;
        try (VerifySession v = session(engine)) {
            // facts that would save it by also dropping the read-only root: a retreat, not a repair
            v.learnWith((spec, local) -> new Repairs.Learned(learned(List.of("CHOWN", "SETUID", "SETGID"), false), 4));
            fix = v.fix(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8));
        }

        ServiceResult r = fix.results().get(0);
        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(r.repair()).isNull();
        assertThat(r.culprits()).containsExactly("cap-drop-all");
        assertThat(fix.leftOut()).singleElement().satisfies(d -> assertThat(d.rules()).containsExactly("cap-drop-all"));
        assertThat(new String(fix.report().fixed(), StandardCharsets.UTF_8)).doesNotContain("cap_").contains("read_only: true");
        assertThat(engine.starts).as("before, after, and the culprit's revert: the weaker variant is never started").isEqualTo(3);
    }

    @Test
    void whenTheSearchFindsNothingTheRuleToBlameIsLeftOutAsBefore() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), RepairTest::nginx);
        PrunedFix fix;
        try (VerifySession v = session(engine)) {
            v.learnWith((spec, local) -> null);
            fix = v.fix(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(fix.results().get(0).outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(fix.leftOut()).singleElement().satisfies(d -> assertThat(d.rules()).containsExactly("cap-drop-all"));
    }

    @Test
    void aServiceVerifiedBeforeARepairChangedItsHardeningIsVerifiedAgainOnWhatIsWritten() throws Exception {
        String two = "services:\n  first:\n    image: local/nginx:deb\n    cap_add: [CHOWN]\n  second:\n    image: local/nginx:deb\n";
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), RepairTest::nginx);
        PrunedFix fix;
        try (VerifySession v = session(engine)) {
            v.learnWith((spec, local) -> new Repairs.Learned(learned(List.of("CHOWN", "SETUID", "SETGID"), true), 4));
            fix = v.fix(write(two), "compose.yaml", two.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(fix.results()).extracting(ServiceResult::service, ServiceResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("first", ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER),
                org.assertj.core.groups.Tuple.tuple("second", ServiceResult.Outcome.REPAIRED));
        assertThat(engine.created).as("the first service, started again as the repair hardened it")
                .anySatisfy(spec -> {
                    assertThat(spec.service()).isEqualTo("first");
                    assertThat(spec.capAdd()).contains("CHOWN", "SETUID", "SETGID");
                });
        assertThat(new String(fix.report().fixed(), StandardCharsets.UTF_8))
                .contains("  first:\n    image: local/nginx:deb\n    cap_add: [CHOWN, SETUID, SETGID]\n");
    }

    @Test
    void reportsSayWhatARepairTookAndReadAsBeforeWhenNothingWasRepaired() {
        Trial up = new Trial(Trial.Level.ALIVE, "still running after 2s", List.of());
        ServiceResult runs = new ServiceResult("compose.yaml", "cache", "redis:7", "sha256:1", ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER,
                "still running after 2s", List.of("cap-drop-all"), List.of(), null, up, up);
        ServiceResult repaired = new ServiceResult("compose.yaml", "db", "acme/pg:15", "sha256:2", ServiceResult.Outcome.REPAIRED,
                "kept cap_drop: [ALL]; added back CHOWN; facts: learned (x); as first hardened: exited with code 1; repaired: still running after 2s",
                List.of("cap-drop-all"), List.of(), "chmod: Operation not permitted", up, up,
                new ServiceResult.Repair(List.of("kept cap_drop: [ALL]", "added back CHOWN"), "learned (x)", learned(List.of("CHOWN"), true),
                        null));

        assertThat(ServiceResults.text(List.of(runs), null)).isEqualTo("compose.yaml: cache (redis:7): runs before and after\n"
                + "    still running after 2s\n"
                + "1 service: 1 run before and after, 0 broken by hardening, 0 broken before, 0 cannot tell\n");
        assertThat(ServiceResults.text(List.of(runs, repaired), null)).endsWith("compose.yaml: db (acme/pg:15): repaired\n"
                + "    kept cap_drop: [ALL]; added back CHOWN; facts: learned (x); as first hardened: exited with code 1; repaired: still running after 2s\n"
                + "    log of the first hardening: chmod: Operation not permitted\n"
                + "2 services: 1 run before and after, 1 repaired, 0 broken by hardening, 0 broken before, 0 cannot tell\n");
        assertThat(ServiceResults.json(List.of(runs), null, "strict", "dev")).doesNotContain("repair");
        assertThat(ServiceResults.json(List.of(runs, repaired), null, "strict", "dev")).contains("\"repaired\": 1")
                .contains("\"repair\": {\n        \"steps\": [\n          \"kept cap_drop: [ALL]\",\n          \"added back CHOWN\"\n        ],\n"
                        + "        \"facts\": \"learned (x)\"\n      }");
        assertThat(ServiceResults.markdown(List.of(runs, repaired), List.of(), "Docker Engine 20.10 at unix:///run/docker.sock"))
                .contains("| db | `acme/pg:15` | repaired |\n")
                .contains("\n- `db`: kept cap_drop: [ALL]; added back CHOWN\n")
                .doesNotContain("chmod").doesNotContain("unix://");
        assertThat(ServiceResults.markdown(List.of(runs), List.of(), null)).doesNotContain("Repaired");
    }

    private VerifySession session(FakeEngine engine) throws Exception {
        String text = Files.readString(Path.of("examples/compose/local-images.yaml"))
                .replace("rootCapabilities: [CHOWN, SETUID, SETGID]", "rootCapabilities: []");
        ImageKnowledge knowledge = ImageKnowledge.builtIn().with(ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "local-images.yaml"));
        FileHardener hardener = new FileHardener(Fixtures.profile("restricted"), knowledge, RepoConfig.none(), Limits.DEFAULT);
        return new VerifySession(hardener, knowledge, engine, "fake", null, new VerifySession.Settings(Duration.ofSeconds(5), Duration.ZERO, 20),
                Map.of());
    }

    /** nginx's facts as a search would learn them: root, stepping down, these capabilities back. */
    private static ImageFacts learned(List<String> capabilities, boolean readOnly) {
        return new ImageFacts("local/nginx", "root", true, null, capabilities, List.of("/var/lib/nginx", "/run"), List.of(), readOnly, true,
                List.of(80), "learned", List.of(PROVENANCE, "learned: it writes /run, empty in the image: tmpfs"), null);
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, text);
        return file;
    }
}
