package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harden fix --interactive}, driven through standard input (and once through a pseudo-terminal). */
class InteractiveFixTest {
    /** baseline has three changes for this service, asked in this order: cap-drop-all, no-new-privileges, pids-limit. */
    private static final String ONE_SERVICE = "services:\n  a:\n    image: example/a:1\n";
    private static final String CAP_DROP = "    cap_drop:\n      - ALL\n";
    private static final String NO_NEW_PRIVILEGES = "    security_opt:\n      - no-new-privileges:true\n";
    private static final String PIDS = "    pids_limit: 200\n";
    private static final String DEPLOYMENT = dev.harden.testing.Workloads.NGINX_AND_SIDECAR;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static Cli fix(InputStream answers, String... args) {
        InputStream in = System.in;
        try {
            System.setIn(answers);
            List<String> all = new ArrayList<>(List.of("fix", "--interactive"));
            all.addAll(List.of(args));
            return Cli.run(all.toArray(String[]::new));
        } finally {
            System.setIn(in);
        }
    }

    private static Cli fix(String answers, String... args) {
        return fix(new ByteArrayInputStream(answers.getBytes(StandardCharsets.UTF_8)), args);
    }

    @Test
    void yesAndYApplyAChangeNoAndNSkipItAskingOncePerRuleAndService() throws IOException {
        Path file = write("compose.yaml", "services:\n  a:\n    image: example/a:1\n  b:\n    image: example/b:1\n");
        // cap-drop-all a, b; no-new-privileges a, b; pids-limit a, b
        Cli r = fix("yes\nn\nY\nno\ny\nN\n", "--profile", baseline().toString(), file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("(1/6) cap-drop-all for a:", "(2/6) cap-drop-all for b:", "(6/6) pids-limit for b:")
                .contains("(1/6) Apply this change [y,n,a,d,q,?]? ");
        assertThat(read(file)).isEqualTo("services:\n  a:\n    image: example/a:1\n" + CAP_DROP + NO_NEW_PRIVILEGES + PIDS
                + "  b:\n    image: example/b:1\n");
        assertThat(r.err()).contains("1 file(s) written");
    }

    @Test
    void aAppliesThisChangeAndTheRestOfTheFileButTheNextFileIsAskedAgain() throws IOException {
        Path one = write("one.yaml", ONE_SERVICE);
        Path two = write("two.yaml", ONE_SERVICE);
        Cli r = fix("n\na\ny\nn\nn\n", "--profile", baseline().toString(), one.toString(), two.toString());
        assertThat(read(one)).isEqualTo(ONE_SERVICE + NO_NEW_PRIVILEGES + PIDS);
        assertThat(read(two)).isEqualTo(ONE_SERVICE + CAP_DROP);
        assertThat(r.out()).contains("one.yaml\n(2/3)").doesNotContain("one.yaml\n(3/3)");
        assertThat(r.err()).contains("2 file(s) written");
    }

    @Test
    void dSkipsThisChangeAndTheRestOfTheFileAndWritesWhatWasAccepted() throws IOException {
        Path one = write("one.yaml", ONE_SERVICE);
        Path two = write("two.yaml", ONE_SERVICE);
        Cli r = fix("y\nd\ny\ny\ny\n", "--profile", baseline().toString(), one.toString(), two.toString());
        assertThat(read(one)).isEqualTo(ONE_SERVICE + CAP_DROP);
        assertThat(read(two)).isEqualTo(ONE_SERVICE + CAP_DROP + NO_NEW_PRIVILEGES + PIDS);
        assertThat(r.out()).containsOnlyOnce("one.yaml\n(2/3)").doesNotContain("one.yaml\n(3/3)");
    }

    @Test
    void qKeepsFilesAlreadyFinishedAndWritesNothingOfTheCurrentOneOrLaterOnes() throws IOException {
        Path one = write("one.yaml", ONE_SERVICE);
        Path two = write("two.yaml", ONE_SERVICE);
        Path three = write("three.yaml", ONE_SERVICE);
        Cli r = fix("y\ny\ny\ny\nquit\n", "--profile", baseline().toString(), one.toString(), two.toString(), three.toString());
        assertThat(r.exit()).isZero();
        assertThat(read(one)).isEqualTo(ONE_SERVICE + CAP_DROP + NO_NEW_PRIVILEGES + PIDS);
        assertThat(read(two)).isEqualTo(ONE_SERVICE);
        assertThat(read(three)).isEqualTo(ONE_SERVICE);
        assertThat(r.out()).doesNotContain("three.yaml");
        assertThat(r.err()).contains("1 file(s) written");
    }

    @Test
    void anInvalidAnswerIsAskedAgainWithAHint() throws IOException {
        Path file = write("compose.yaml", ONE_SERVICE);
        Cli r = fix("maybe\n\nyy\ny\nn\nn\n", "--profile", baseline().toString(), file.toString());
        String prompt = "(1/3) Apply this change [y,n,a,d,q,?]? ";
        assertThat(r.out().split(java.util.regex.Pattern.quote(prompt), -1)).hasSize(5);
        assertThat(r.out().split("Please answer one of y,n,a,d,q,\\? \\(yes and no work too\\); \\? explains them\\.", -1))
                .hasSize(4);
        assertThat(read(file)).isEqualTo(ONE_SERVICE + CAP_DROP);
    }

    @Test
    void aQuestionMarkShowsTheRulesRationaleAndRemediationAndAsksAgain() throws IOException {
        Path file = write("compose.yaml", ONE_SERVICE);
        Cli r = fix("?\ny\nn\nn\n", "--profile", baseline().toString(), file.toString());
        assertThat(r.out()).contains("cap-drop-all: Capabilities dropped by default", "How to comply:",
                "d - skip this change and all later ones in this file")
                .containsOnlyOnce("(2/3) Apply this change");
        assertThat(r.out().indexOf("How to comply:")).isLessThan(r.out().lastIndexOf("(1/3) Apply this change"));
        assertThat(read(file)).isEqualTo(ONE_SERVICE + CAP_DROP);
    }

    @Test
    void theEndOfTheAnswersSkipsWhatIsLeftAndWritesWhatWasAccepted() throws IOException {
        Path one = write("one.yaml", ONE_SERVICE);
        Path two = write("two.yaml", ONE_SERVICE);
        fix("n\ny\n", "--profile", baseline().toString(), one.toString(), two.toString());
        assertThat(read(one)).isEqualTo(ONE_SERVICE + NO_NEW_PRIVILEGES);
        assertThat(read(two)).isEqualTo(ONE_SERVICE);
    }

    @Test
    void sOnAChangeOfOneHunkSaysItCannotBeSplitAndAsksAgain() throws IOException {
        Path file = write("compose.yaml", ONE_SERVICE);
        Cli r = fix("s\ny\nn\nn\n", "--profile", baseline().toString(), file.toString());
        assertThat(r.out()).contains("This change is one hunk; it cannot be split.");
        assertThat(read(file)).isEqualTo(ONE_SERVICE + CAP_DROP);
    }

    /**
     * baseline, with the example images' changes made on its assumptions as before: these tests are
     * about the questions, and baseline itself leaves changes to images no source knows unmade.
     */
    private Path baseline() throws IOException {
        return write("baseline-assuming.yaml", "name: baseline\nextends: baseline\nunknownImages: assume\n");
    }

    private Path onlyReadOnlyRoot() throws IOException {
        return write("only-read-only.yaml", """
                apiVersion: harden/v1
                kind: Profile
                name: only-read-only
                unknownImages: assume
                rules:
                  read-only-root-filesystem: {severity: error, fix: true}
                """);
    }

    @Test
    void aContainersReadOnlyRootAndThePodVolumesItMountsAreOneChange() throws IOException {
        Path file = write("web.yaml", DEPLOYMENT);
        Cli r = fix("y\nn\n", "--profile", onlyReadOnlyRoot().toString(), file.toString());
        assertThat(r.out()).contains("(1/2) read-only-root-filesystem for Deployment/web/nginx:",
                "(2/2) read-only-root-filesystem for Deployment/web/side:");
        String after = read(file);
        assertThat(after).contains("readOnlyRootFilesystem: true", "mountPath: /var/cache/nginx", "      volumes:\n"
                + "        - name: var-cache-nginx\n          emptyDir: {}\n").doesNotContain("mountPath: /tmp");
    }

    @Test
    void sSplitsAChangeIntoItsHunksAndKeepsTheChosenPartWhenItIsAValidManifest() throws IOException {
        Path file = write("web.yaml", DEPLOYMENT);
        Cli r = fix("s\nn\ny\nn\n", "--profile", onlyReadOnlyRoot().toString(), file.toString());
        assertThat(r.out()).contains("(1/2) Apply this change [y,n,a,d,q,s,?]? ", "(part 1/2) Apply this part [y,n,q,?]? ",
                "(part 2/2) Apply this part [y,n,q,?]? ");
        String after = read(file);
        assertThat(after).startsWith(DEPLOYMENT).contains("- name: var-cache-nginx\n          emptyDir: {}\n")
                .doesNotContain("volumeMounts", "readOnlyRootFilesystem");
    }

    @Test
    void aSplitChoiceThatMountsAVolumeThePodLacksIsRefusedAndTheFileLeftAlone() throws IOException {
        Path file = write("web.yaml", DEPLOYMENT);
        Cli r = fix("s\ny\nn\ny\n", "--profile", onlyReadOnlyRoot().toString(), file.toString());
        assertThat(read(file)).isEqualTo(DEPLOYMENT);
        assertThat(r.err()).contains("web.yaml: the parts of read-only-root-filesystem for Deployment/web/nginx you chose would"
                + " leave an invalid manifest (16:15: Deployment/web/nginx mounts volume 'var-cache-nginx', which the pod does not"
                + " define; Deployment/web/nginx mounts volume 'var-run', which the pod does not define); nothing written to"
                + " this file");
        assertThat(r.out()).doesNotContain("(2/2)");
    }

    @Test
    void aFileEditedWhileHardenWaitedForAnAnswerIsNotOverwritten() throws IOException {
        Path file = write("compose.yaml", ONE_SERVICE);
        Path other = write("other.yaml", ONE_SERVICE);
        String edited = ONE_SERVICE + "    # edited by hand meanwhile\n";
        InputStream answers = new InputStream() {
            private final InputStream rest = new ByteArrayInputStream("a\na\n".getBytes(StandardCharsets.UTF_8));
            private boolean edit = true;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (edit) {
                    edit = false;
                    Files.writeString(file, edited, StandardCharsets.UTF_8);
                }
                return rest.read(b, off, len);
            }
        };
        Cli r = fix(answers, "--profile", baseline().toString(), file.toString(), other.toString());
        assertThat(read(file)).isEqualTo(edited);
        assertThat(r.err()).contains("compose.yaml: changed since harden read it; nothing written to this file");
        assertThat(read(other)).isEqualTo(ONE_SERVICE + CAP_DROP + NO_NEW_PRIVILEGES + PIDS);
    }

    @Test
    void theNetworkPolicyFileAFixWouldCreateIsAskedAboutAfterTheFilesChanges() throws IOException {
        Path profile = write("profile.yaml", """
                apiVersion: harden/v1
                kind: Profile
                name: caps-and-policies
                unknownImages: assume
                rules:
                  cap-drop-all: {severity: error, fix: true}
                  network-policy-default-deny: {severity: warning, fix: true}
                """);
        // labelled: strict's policies select the pods of a workload, and an unlabelled pod is only reported
        String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: p\nspec:\n  containers:\n"
                + "    - name: app\n      image: example/app:1\n";
        Path file = write("pod.yaml", pod);
        Cli r = fix("y\ny\n", "--profile", profile.toString(), file.toString());
        assertThat(r.out()).contains("(1/1) cap-drop-all for Pod/p/app:", "network-policy-default-deny: a new file next to it",
                "pod.network-policies.yaml [y,n,q,?]? ");
        assertThat(read(file)).startsWith(pod).contains("drop:\n");
        assertThat(dir.resolve("pod.network-policies.yaml")).exists();
        assertThat(r.err()).contains("2 file(s) written");

        Path other = write("other.yaml", pod);
        fix("y\nn\n", "--profile", profile.toString(), other.toString());
        assertThat(read(other)).contains("drop:\n");
        assertThat(dir.resolve("other.network-policies.yaml")).doesNotExist();
    }

    // ---- through a pseudo-terminal --------------------------------------------------------------

    private static boolean scriptAvailable() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "script")));
    }

    /** Runs harden in a pseudo-terminal (util-linux {@code script}), typing {@code answers}; returns what the terminal showed. */
    private String inTerminal(String answers, Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder command = new StringBuilder(quote(java)).append(" -cp ").append(quote(System.getProperty("java.class.path")))
                .append(" dev.harden.cli.Main");
        for (String a : args) {
            command.append(' ').append(quote(a));
        }
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command.toString(), "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("NO_COLOR");
        pb.environment().put("SHELL", "/bin/sh");
        pb.environment().put("TERM", "xterm");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(answers.getBytes(StandardCharsets.UTF_8));
        }
        byte[] shown;
        try (InputStream out = p.getInputStream()) {
            shown = out.readAllBytes();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("harden in a terminal finished").isTrue();
        return new String(shown, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Test
    void inATerminalTheChangeIsColouredAndTheAnswersAreTyped() throws Exception {
        Assumptions.assumeTrue(scriptAvailable(), "util-linux script is not installed");
        Path file = write("compose.yaml", ONE_SERVICE);
        String shown = inTerminal("yes\nn\nmaybe\ny\n", Map.of(), "fix", "-i", "--profile", baseline().toString(), "compose.yaml");
        assertThat(shown).contains("\u001b[32m+    cap_drop:\u001b[0m", "\u001b[36m@@ -1,3 +1,5 @@\u001b[0m",
                "\u001b[1;34m(1/3) Apply this change [y,n,a,d,q,?]? \u001b[0m", "Please answer one of");
        assertThat(read(file)).isEqualTo(ONE_SERVICE + CAP_DROP + PIDS);
    }

    @Test
    void inATerminalNoColorTurnsTheColoursOff() throws Exception {
        Assumptions.assumeTrue(scriptAvailable(), "util-linux script is not installed");
        Path file = write("compose.yaml", ONE_SERVICE);
        String shown = inTerminal("y\ny\ny\n", Map.of("NO_COLOR", "1"), "fix", "-i", "--profile", baseline().toString(), "compose.yaml");
        assertThat(shown).contains("+    cap_drop:", "(1/3) Apply this change [y,n,a,d,q,?]? ").doesNotContain("\u001b[");
        assertThat(read(file)).isEqualTo(ONE_SERVICE + CAP_DROP + NO_NEW_PRIVILEGES + PIDS);
    }
}
