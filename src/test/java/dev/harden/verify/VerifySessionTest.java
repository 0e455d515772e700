package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.engine.Pipeline;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verify's verdicts and its search for the rule to blame, against an engine in memory. */
class VerifySessionTest {
    private static final String NGINX = "services:\n  web:\n    image: local/nginx:deb\n";

    @TempDir
    Path dir;

    /** Debian's nginx as measured: it needs /var/lib/nginx writable and CHOWN back when all capabilities are dropped. */
    private static FakeEngine.Behaviour nginx(ContainerSpec s) {
        if (s.readOnly() && !s.tmpfs().containsKey("/var/lib/nginx")) {
            return new FakeEngine.Behaviour(false, List.of("nginx-entrypoint: starting as uid 0",
                    "[emerg] 1#1: mkdir() \"/var/lib/nginx/body\" failed (30: Read-only file system)"));
        }
        if (s.capDrop().contains("ALL") && !s.capAdd().contains("CHOWN")) {
            return new FakeEngine.Behaviour(false, List.of("[emerg] 1#1: chown(\"/var/lib/nginx/body\", 33) failed (1: Operation not permitted)"));
        }
        return new FakeEngine.Behaviour(true, List.of("nginx-entrypoint: starting as uid 0"));
    }

    @Test
    void aServiceThatRunsAsWrittenAndHardenedRunsBeforeAndAfter() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), VerifySessionTest::nginx);

        List<ServiceResult> results = verify(engine, knowledge(""), NGINX);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER);
            assertThat(r.changes()).contains("cap-drop-all", "read-only-root-filesystem");
            assertThat(r.culprits()).isEmpty();
        });
        assertThat(engine.live).isEmpty();
    }

    @Test
    void aBrokenHardeningIsBlamedOnTheRuleWhoseRevertedChangeBringsItBack() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), VerifySessionTest::nginx);

        ServiceResult r = verify(engine, knowledge("writablePaths: []"), NGINX).get(0);

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(r.culprits()).containsExactly("read-only-root-filesystem");
        assertThat(r.logLine()).contains("Read-only file system");
        assertThat(r.reason()).contains("reverting only the read-only-root-filesystem change brings it back");
        assertThat(engine.starts).as("before, after, and one retry: the log line points at the culprit first").isEqualTo(3);
    }

    @Test
    void twoRulesThatEachBreakTheServiceAreBothNamed() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), VerifySessionTest::nginx);

        ServiceResult r = verify(engine, knowledge("writablePaths: [], rootCapabilities: []"), NGINX).get(0);

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(r.culprits()).containsExactlyInAnyOrder("read-only-root-filesystem", "cap-drop-all");
        assertThat(r.reason()).contains("none of them alone");
    }

    @Test
    void aServiceThatDoesNotRunAsWrittenIsBrokenBeforeAndNotBlamedOnHardening() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> new FakeEngine.Behaviour(false, List.of("fatal: no config")));

        ServiceResult r = verify(engine, knowledge(""), NGINX).get(0);

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BEFORE);
        assertThat(r.logLine()).isEqualTo("fatal: no config");
        assertThat(engine.starts).isEqualTo(1);
    }

    @Test
    void aServiceWhoseImageIsMissingOrThatIsOnlyBuiltCannotBeTold() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of(), VerifySessionTest::nginx);

        List<ServiceResult> results = verify(engine, knowledge(""), NGINX + "  app:\n    build: .\n");

        assertThat(results).extracting(ServiceResult::outcome).containsOnly(ServiceResult.Outcome.CANNOT_TELL);
        assertThat(results.get(0).reason()).contains("not available locally");
        assertThat(results.get(1).reason()).contains("built from source");
        assertThat(engine.starts).isZero();
    }

    @Test
    void withoutAnEngineEveryServiceCannotBeTold() throws Exception {
        FileHardener hardener = hardener(knowledge(""));
        try (VerifySession v = VerifySession.connect("unix://" + dir.resolve("no.sock"), hardener, knowledge(""), VerifySession.Settings.defaults())) {
            List<ServiceResult> results = v.verify(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8));

            assertThat(v.engine()).isEmpty();
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.CANNOT_TELL);
                assertThat(r.reason()).startsWith("no Docker engine answers at unix://");
            });
        }
    }

    @Test
    void aFixCheckedByVerifyLeavesOutTheBreakingChangeAndKeepsTheOthers() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), VerifySessionTest::nginx);
        ImageKnowledge knowledge = knowledge("rootCapabilities: []");
        try (VerifySession v = retreating(new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings(), Map.of()))) {
            PrunedFix fix = v.fix(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8));

            assertThat(fix.leftOut()).singleElement().satisfies(d -> {
                assertThat(d.service()).isEqualTo("web");
                assertThat(d.rules()).containsExactly("cap-drop-all");
            });
            String fixed = new String(fix.report().fixed(), StandardCharsets.UTF_8);
            assertThat(fixed).doesNotContain("cap_drop").contains("read_only: true");
            assertThat(ServiceResults.markdown(fix.results(), fix.leftOut(), "Fake Engine 1.0"))
                    .contains("| web | `local/nginx:deb` | broken by hardening: cap-drop-all |")
                    .contains("- `web`: cap-drop-all (its log reports: Operation not permitted)")
                    .doesNotContain("chown(");
        }
    }

    @Test
    void aKubernetesContainerIsStartedBeforeAndAfterAndNamedByWorkloadAndContainer() throws Exception {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: nginx\n      image: local/nginx:deb\n";
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> new FakeEngine.Behaviour(true, List.of("up")));

        List<ServiceResult> results = verify(engine, knowledge(""), pod);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.service()).isEqualTo("Pod/web/nginx");
            assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER);
            assertThat(r.changes()).contains("read-only-root-filesystem", "seccomp-runtime-default");
        });
        assertThat(engine.starts).isEqualTo(2);
        assertThat(engine.live).isEmpty();
    }

    @Test
    void aKubernetesContainerWithAVolumeVerifyCannotProvideCannotBeTold() throws Exception {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: nginx\n"
                + "      image: local/nginx:deb\n      volumeMounts:\n        - {name: conf, mountPath: /etc/nginx/conf.d}\n"
                + "  volumes:\n    - name: conf\n      configMap: {name: web}\n";
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), VerifySessionTest::nginx);

        ServiceResult r = verify(engine, knowledge(""), pod).get(0);

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.CANNOT_TELL);
        assertThat(r.reason()).contains("configMap volume conf", "only emptyDir volumes");
        assertThat(engine.starts).isZero();
    }

    @Test
    void hardensOwnEnvironmentNeverFillsAVariableNorReachesAContainer() throws Exception {
        String token = "ghp_FromHardensEnvironment1";
        String text = "services:\n  web:\n    image: local/nginx:deb\n    environment:\n      - COPY=${HARDEN_TOKEN}\n"
                + "      - HARDEN_TOKEN\n      - DEFAULTED=${HARDEN_TOKEN:-fallback}\n    command: [\"echo\", \"${HARDEN_TOKEN}\"]\n";
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> new FakeEngine.Behaviour(true, List.of("up")));
        ImageKnowledge knowledge = knowledge("");
        try (VerifySession v = new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings(), Map.of("HARDEN_TOKEN", token))) {
            v.verify(write(text), "compose.yaml", text.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(engine.created).isNotEmpty().allSatisfy(spec -> {
            assertThat(spec.env()).containsExactly("COPY=", "DEFAULTED=fallback");
            assertThat(spec.command()).containsExactly("echo", "");
        });
    }

    @Test
    void variablesComeFromTheDotEnvBesideTheFileAndFromEnvOptionsWhichWin() throws Exception {
        Files.writeString(dir.resolve(".env"), "MODE=from-dotenv\nLEVEL=from-dotenv\n");
        String text = "services:\n  web:\n    image: local/nginx:deb\n    environment:\n      - MODE=${MODE}\n      - LEVEL\n"
                + "      - PRICE=$$5\n      - UNSET=${NOPE-dash}/${NOPE:-colon}\n";
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> new FakeEngine.Behaviour(true, List.of("up")));
        ImageKnowledge knowledge = knowledge("");
        VerifySession.Settings settings = settings().with(Map.of("MODE", "from-option"), false);
        try (VerifySession v = new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings, Map.of())) {
            v.verify(write(text), "compose.yaml", text.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(engine.created.get(0).env()).containsExactly("MODE=from-option", "LEVEL=from-dotenv", "PRICE=$5", "UNSET=dash/colon");
    }

    @Test
    void secretValuesALogLinePrintsAreMaskedInEveryResultAndTheLineIsBounded() throws Exception {
        Files.writeString(dir.resolve(".env"), "DB_PASSWORD=dotenv-secret-1\n");
        Files.writeString(dir.resolve("app.env"), "API_KEY=envfile-secret-2\n");
        String text = "services:\n  web:\n    image: local/nginx:deb\n    env_file: [app.env]\n";
        String noise = "x".repeat(500);
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> s.readOnly()
                ? new FakeEngine.Behaviour(false, List.of("error: dotenv-secret-1 envfile-secret-2 option-secret-3 ghp_Token44\u001b[31m "
                        + noise + ": Read-only file system"))
                : new FakeEngine.Behaviour(true, List.of("up")));
        ImageKnowledge knowledge = knowledge("");
        VerifySession.Settings settings = settings().with(Map.of("OTHER", "option-secret-3"), false);
        ServiceResult r;
        try (VerifySession v = retreating(new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings, Map.of("GITHUB_TOKEN", "ghp_Token44")))) {
            r = v.verify(write(text), "compose.yaml", text.getBytes(StandardCharsets.UTF_8)).get(0);
        }

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        String shown = r.logLine() + r.reason() + r.after().detail() + r.after().logs()
                + ServiceResults.text(List.of(r), "fake") + ServiceResults.json(List.of(r), "fake", "restricted", "dev");
        assertThat(shown).doesNotContain("dotenv-secret-1", "envfile-secret-2", "option-secret-3", "ghp_Token44", "\u001b")
                .contains("error: *** *** *** ***\\u001b[31m xxx");
        assertThat(r.logLine()).hasSizeLessThanOrEqualTo(Redaction.MAX_LENGTH).endsWith("...");
        assertThat(engine.created.get(0).env()).as("the container still gets the project's own values").contains("API_KEY=envfile-secret-2");
    }

    @Test
    void anInterruptedThreadDuringTheHardenedStartBlamesNothingDropsNothingAndLeavesNothingBehind() throws Exception {
        // the hardened container "dies" the moment the thread is interrupted, as one the sweep removed would
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> {
            if (!s.readOnly()) {
                return new FakeEngine.Behaviour(true, List.of("up"));
            }
            Thread.currentThread().interrupt();
            return new FakeEngine.Behaviour(false, List.of("killed"));
        });
        ImageKnowledge knowledge = knowledge("");
        try (VerifySession v = new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings(), Map.of())) {
            assertThatThrownBy(() -> v.fix(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(VerifyInterrupted.class);
            assertThat(v.interrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(engine.starts).as("no culprit search after the interruption").isEqualTo(2);
        assertThat(engine.live).isEmpty();
    }

    @Test
    void ctrlCDuringTheHardenedStartBlamesNothingAndEndsTheRun() throws Exception {
        VerifySession[] holder = new VerifySession[1];
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> {
            if (s.readOnly()) {
                holder[0].stopAsOnInterrupt(); // the shutdown hook removes the container under the running start
                return new FakeEngine.Behaviour(false, List.of());
            }
            return new FakeEngine.Behaviour(true, List.of("up"));
        });
        ImageKnowledge knowledge = knowledge("");
        try (VerifySession v = new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings(), Map.of())) {
            holder[0] = v;
            assertThatThrownBy(() -> v.verify(write(NGINX), "compose.yaml", NGINX.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(VerifyInterrupted.class).hasMessageContaining("web");
        }
        assertThat(engine.starts).isEqualTo(2);
        assertThat(engine.live).isEmpty();
    }

    @Test
    void theSuspectsTheLogLinePointsAtAreRetriedFirst() {
        List<String> changes = List.of("cap-drop-all", "no-new-privileges", "read-only-root-filesystem", "pids-limit");

        assertThat(VerifySession.suspects(changes, "mkdir() failed (30: Read-only file system)"))
                .containsExactly("read-only-root-filesystem", "cap-drop-all", "no-new-privileges", "pids-limit");
        assertThat(VerifySession.suspects(changes, "fork: Resource temporarily unavailable").get(0)).isEqualTo("pids-limit");
    }

    @Test
    void theOneLoopFixesAgainOnlyTheChangedManifestsAndReportsEveryManifestForResults() throws Exception {
        ImageKnowledge knowledge = knowledge("rootCapabilities: []");
        FileHardener hardener = hardener(knowledge);
        Path changed = Files.createDirectories(dir.resolve("a")).resolve("compose.yaml");
        Files.writeString(changed, NGINX);
        Path notes = Files.writeString(dir.resolve("notes.yaml"), "title: not a manifest\n");
        Path checkedOnly = Files.createDirectories(dir.resolve("b")).resolve("compose.yaml");
        Files.writeString(checkedOnly, NGINX);
        List<Hardened> files = List.of(
                new Pipeline(hardener, true).harden(changed, "a/compose.yaml", Files.readAllBytes(changed)),
                new Pipeline(hardener, true).harden(notes, "notes.yaml", Files.readAllBytes(notes)),
                new Pipeline(hardener, false).harden(checkedOnly, "b/compose.yaml", Files.readAllBytes(checkedOnly)));
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), VerifySessionTest::nginx);

        Verification fix;
        Verification results;
        try (VerifySession v = retreating(new VerifySession(hardener, knowledge, engine, "fake", null, settings(), Map.of()))) {
            fix = v.verify(files, VerifySession.Mode.LEAVE_OUT_BREAKAGE);
            results = v.verify(files, VerifySession.Mode.RESULTS);
        }

        assertThat(fix.ending()).isEqualTo(Verification.Ending.FINISHED);
        assertThat(fix.results()).extracting(ServiceResult::file).containsExactly("a/compose.yaml");
        assertThat(fix.leftOut()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("a/compose.yaml");
            assertThat(d.service()).isEqualTo("web");
            assertThat(d.rules()).containsExactly("cap-drop-all");
        });
        assertThat(new String(fix.files().get(0).report().fixed(), StandardCharsets.UTF_8)).doesNotContain("cap_drop")
                .contains("read_only: true");
        assertThat(fix.files().get(0).path()).isEqualTo(changed);
        assertThat(fix.files().subList(1, 3)).isEqualTo(files.subList(1, 3));
        assertThat(results.ending()).isEqualTo(Verification.Ending.FINISHED);
        assertThat(results.results()).extracting(ServiceResult::file).containsExactly("a/compose.yaml", "b/compose.yaml");
        assertThat(results.leftOut()).isEmpty();
        assertThat(results.files()).isEqualTo(files);
        assertThat(engine.live).isEmpty();
    }

    @Test
    void anInterruptedLoopEndsWithNothingToWriteAndNothingBlamed() throws Exception {
        FakeEngine engine = new FakeEngine(Set.of("local/nginx:deb"), s -> {
            if (!s.readOnly()) {
                return new FakeEngine.Behaviour(true, List.of("up"));
            }
            Thread.currentThread().interrupt();
            return new FakeEngine.Behaviour(false, List.of("killed"));
        });
        ImageKnowledge knowledge = knowledge("");
        FileHardener hardener = hardener(knowledge);
        Path file = write(NGINX);
        Verification verification;
        try (VerifySession v = new VerifySession(hardener, knowledge, engine, "fake", null, settings(), Map.of())) {
            verification = v.verify(List.of(new Pipeline(hardener, true).harden(file, "compose.yaml", Files.readAllBytes(file))),
                    VerifySession.Mode.LEAVE_OUT_BREAKAGE);
        } finally {
            Thread.interrupted();
        }

        assertThat(verification.ending()).isEqualTo(Verification.Ending.INTERRUPTED);
        assertThat(verification.files()).isEmpty();
        assertThat(verification.leftOut()).isEmpty();
        assertThat(engine.live).isEmpty();
    }

    private List<ServiceResult> verify(FakeEngine engine, ImageKnowledge knowledge, String text) throws Exception {
        try (VerifySession v = retreating(new VerifySession(hardener(knowledge), knowledge, engine, "fake", null, settings(), Map.of()))) {
            return v.verify(write(text), "compose.yaml", text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * A session that retreats at once, without trying a repair: these tests are about the search for
     * the rule to blame, which runs when no repair works ({@link RepairTest} covers repairs).
     */
    static VerifySession retreating(VerifySession session) {
        session.learnWith(null);
        return session;
    }

    private static VerifySession.Settings settings() {
        return new VerifySession.Settings(Duration.ofSeconds(5), Duration.ZERO, 20);
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static FileHardener hardener(ImageKnowledge knowledge) {
        return new FileHardener(Fixtures.profile("restricted"), knowledge, RepoConfig.none(), Limits.DEFAULT);
    }

    /** The local images' knowledge with some of local/nginx's facts replaced, e.g. {@code "writablePaths: []"}. */
    private static ImageKnowledge knowledge(String nginxOverrides) throws Exception {
        String text = Files.readString(Path.of("examples/compose/local-images.yaml"));
        for (String part : nginxOverrides.isEmpty() ? new String[0] : nginxOverrides.split(", ")) {
            String key = part.substring(0, part.indexOf(':'));
            text = text.replaceFirst("(name: local/nginx\\n(?:    .*\\n)*?    " + key + ": ).*", "$1" + part.substring(key.length() + 2));
        }
        return ImageKnowledge.builtIn().with(ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "local-images.yaml"));
    }
}
