package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final String STACK = """
            services:
              web:
                image: nginx:1.27  # front door
                ports:
                  - "80:80"
              db:
                image: postgres:17
            """;

    @TempDir
    Path dir;

    private static Path fixture(String name) {
        try {
            return Path.of(CliTest.class.getResource("/rules/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void versionAndHelpTeachTheCommandsAndExitCodes() {
        Cli version = Cli.run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("harden ");
        Cli help = Cli.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("check", "fix", "rules", "Exit codes:", "2  bad input or usage", "NO_COLOR");
        assertThat(Cli.run("check", "--help").out()).contains("--format", "--profile", "--fail-on");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitCodeTwo() {
        Cli r = Cli.run("check", "--no-such-option");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-option'").contains("harden check --help");
    }

    @Test
    void aMisspelledCommandOrOptionGetsASuggestion() {
        Cli command = Cli.run("chek", ".");
        assertThat(command.exit()).isEqualTo(2);
        assertThat(command.err()).contains("Did you mean: harden check").contains("harden --help");
        assertThat(Cli.run("fix", "--dif", "x.yaml").err()).contains("Possible solutions: --diff");
    }

    @Test
    void checkExitsOneWithFindingsAndZeroWhenClean() throws IOException {
        Path file = write("compose.yaml", STACK);
        Cli dirty = Cli.run("check", "--profile", "baseline", file.toString());
        assertThat(dirty.exit()).isEqualTo(1);
        assertThat(dirty.out()).contains("compose.yaml:2:3: error cap-drop-all [web] keeps Docker's default capabilities (fixable)");
        assertThat(Cli.run("fix", "--profile", "baseline", "-q", file.toString()).exit()).isZero();
        Cli clean = Cli.run("check", "--profile", "baseline", file.toString());
        assertThat(clean.out()).isEmpty();
        assertThat(clean.exit()).isZero();
        assertThat(clean.err()).contains("0 open");
    }

    @Test
    void strictFixInPlaceCreatesTheNetworkPolicyFileOnceAndNeverOverwritesIt() throws IOException {
        Path manifest = write("k8s/api.yaml", Files.readString(fixture("network-policy-default-deny/bad.manifests-stay-unchanged.yaml"), StandardCharsets.UTF_8));
        Cli first = Cli.run("fix", "--profile", "strict", manifest.getParent().toString());
        assertThat(first.err()).doesNotContain("internal error");
        assertThat(first.exit()).isZero();
        Path policies = manifest.resolveSibling("api.network-policies.yaml");
        assertThat(Files.readString(policies)).contains("kind: NetworkPolicy", "name: deny-ingress-to-api");
        byte[] both = (Files.readString(manifest) + Files.readString(policies)).getBytes(StandardCharsets.UTF_8);

        Cli second = Cli.run("fix", "--profile", "strict", manifest.getParent().toString());
        assertThat(second.exit()).isZero();
        assertThat((Files.readString(manifest) + Files.readString(policies)).getBytes(StandardCharsets.UTF_8)).isEqualTo(both);
        try (var files = Files.list(manifest.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("api.network-policies.yaml", "api.yaml");
        }
        Cli check = Cli.run("check", "--profile", "strict", "--format", "json", manifest.getParent().toString());
        assertThat(check.out()).doesNotContain("\"fixable\": true");
    }

    @Test
    void stacktraceBeforeOrAfterTheSubcommandPrintsTheTraceOfAnInternalError() throws Exception {
        for (String[] args : List.of(new String[] {"--stacktrace", "check", "."}, new String[] {"check", "--stacktrace", "."},
                new String[] {"check", "."})) {
            var cli = HardenCommand.commandLine(args);
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            var parsed = cli.parseArgs(args);
            int exit = cli.getExecutionExceptionHandler().handleExecutionException(new IllegalStateException("boom"),
                    cli.getSubcommands().get("check"), parsed);
            assertThat(exit).isEqualTo(HardenCommand.INTERNAL);
            assertThat(err.toString()).startsWith("harden: internal error: java.lang.IllegalStateException: boom");
            if (List.of(args).contains("--stacktrace")) {
                assertThat(err.toString()).as(String.join(" ", args)).contains("\tat dev.harden.cli.CliTest");
            } else {
                assertThat(err.toString()).contains("run again with --stacktrace").doesNotContain("\tat ");
            }
        }
    }

    @Test
    void fixWritesOnlyTheNeededBytesAndKeepsThePermissions() throws IOException {
        Path file = write("compose.yaml", STACK);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Cli r = Cli.run("fix", "--profile", "baseline", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(Files.readString(file)).startsWith("""
                services:
                  web:
                    image: nginx:1.27  # front door
                    ports:
                      - "80:80"
                    cap_drop:
                      - ALL
                """);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(r.err()).contains("fixed cap-drop-all [web]");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("compose.yaml");
        }
    }

    @Test
    void diffPrintsAPatchThatGitApplyAcceptsAndWritesNothing() throws Exception {
        Path file = write("compose.yaml", STACK);
        Cli r = Cli.run("fix", "--diff", "--profile", "strict", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(Files.readString(file)).isEqualTo(STACK);
        String patch = r.out().replace("a/" + dir.toString().substring(1) + "/", "a/").replace("b/" + dir.toString().substring(1) + "/", "b/");
        assertThat(patch).startsWith("--- a/compose.yaml\n+++ b/compose.yaml\n@@ ");
        Path patchFile = dir.resolve("harden.patch");
        Files.writeString(patchFile, patch);
        Process git = new ProcessBuilder("git", "apply", "--check", "-v", patchFile.toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as(output).isZero();
        Process apply = new ProcessBuilder("git", "apply", patchFile.toString()).directory(dir.toFile()).start();
        assertThat(apply.waitFor()).isZero();
        Cli after = Cli.run("fix", "--diff", "--profile", "strict", file.toString());
        assertThat(after.out()).isEmpty();
    }

    @Test
    void brokenFilesGetOneLineEachExitTwoAndTheOthersAreStillFixed() throws IOException {
        Path good = write("a/compose.yaml", STACK);
        Path broken = write("b/compose.yaml", "services:\n  web:\n    image: [nginx\n");
        Path helm = write("c/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n");
        Path notYaml = write("d/values.yaml", "replicas: 3\n");
        byte[] brokenBefore = Files.readAllBytes(broken);
        Cli r = Cli.run("fix", "--profile", "baseline", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).containsPattern("b/compose.yaml:4:1: YAML syntax error: [^\\n]+\\n");
        assertThat(r.err()).contains("c/templates/deploy.yaml:4:9: skipped: Go/Helm template action");
        assertThat(r.err()).doesNotContain("values.yaml").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.readAllBytes(broken)).isEqualTo(brokenBefore);
        assertThat(Files.readString(helm)).doesNotContain("cap_drop");
        assertThat(Files.readString(notYaml)).isEqualTo("replicas: 3\n");
        assertThat(Files.readString(good)).contains("cap_drop");
        assertThat(Cli.run("check", "-v", "--profile", "baseline", notYaml.toString()).err()).contains("values.yaml:1:1: skipped: neither");
    }

    @Test
    void aFileWithATopLevelTemplateKeyIsSkippedAsWhatItIsNotAsAHelmTemplate() throws IOException {
        write("a/compose.yaml", STACK);
        Path helm = write("c/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n");
        Path stack = write("e/stack.yaml", "services:\n  web:\n    image: nginx:1.27\ntemplate: blue\n");

        Cli walk = Cli.run("check", "--profile", "baseline", dir.toString());
        assertThat(walk.err()).contains("c/templates/deploy.yaml:4:9: skipped: Go/Helm template action")
                .doesNotContain("stack.yaml");

        String named = Cli.run("check", "--profile", "baseline", stack.toString()).err();
        assertThat(named).contains("stack.yaml:1:1: skipped: has a top-level 'services' but also 'template', which Compose"
                + " files do not have, so it is not taken as one (name it compose.yaml if it is)");
        assertThat(named).doesNotContain("Helm");
        assertThat(Cli.run("check", "-v", "--profile", "baseline", dir.toString()).err())
                .contains("stack.yaml:1:1: skipped: has a top-level 'services' but also 'template'");
        assertThat(Files.readString(helm)).doesNotContain("cap_drop");
    }

    @Test
    void aKustomizationThatListsPatchesAsASingleValueIsAWarningAndThePatchIsHardenedWhole() throws IOException {
        write("app/kustomization.yaml", "resources: [deployment.yaml]\npatchesStrategicMerge: memory.yaml\n");
        write("app/memory.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
                + "    - name: web\n      image: nginx:1.27\n");
        Cli r = Cli.run("check", "--profile", "baseline", dir.toString());
        assertThat(r.err()).contains("app/kustomization.yaml:2:24: warning: patchesStrategicMerge must be a list, not"
                + " 'memory.yaml'; harden cannot tell which files this kustomization patches, so it hardens them as whole"
                + " manifests\n");
        assertThat(r.err()).doesNotContain("a Kustomize patch");
    }

    @Test
    void aDuplicateKeyIsBadInputThatLeavesTheFileUntouchedWhileOthersAreFixed() throws IOException {
        Path good = write("a/compose.yaml", STACK);
        Path service = write("b/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n  web:\n    image: nginx:1.27\n");
        Path services = write("c/compose.yaml", "services:\n  a:\n    image: nginx:1.27\nservices:\n  b:\n    image: nginx:1.27\n");
        Path containers = write("d/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                + "    - name: a\n      image: nginx:1.27\n  containers:\n    - name: b\n      image: nginx:1.27\n");
        byte[] serviceBefore = Files.readAllBytes(service);
        byte[] servicesBefore = Files.readAllBytes(services);
        byte[] containersBefore = Files.readAllBytes(containers);
        Cli r = Cli.run("fix", "--profile", "baseline", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("b/compose.yaml:4:3: duplicate key 'web' (first at line 2)\n")
                .contains("c/compose.yaml:4:1: duplicate key 'services' (first at line 1)\n")
                .contains("d/pod.yaml:9:3: duplicate key 'containers' (first at line 6)\n");
        assertThat(Files.readAllBytes(service)).isEqualTo(serviceBefore);
        assertThat(Files.readAllBytes(services)).isEqualTo(servicesBefore);
        assertThat(Files.readAllBytes(containers)).isEqualTo(containersBefore);
        assertThat(Files.readString(good)).contains("cap_drop");
        assertThat(Cli.run("check", "--profile", "baseline", service.toString()).exit()).isEqualTo(2);
    }

    @Test
    void variablesComeFromTheEnvFileBesideTheComposeFileNeverFromHardensEnvironment() throws IOException {
        String compose = "services:\n  job:\n    image: example/job:1.0.0\n    user: ${JOB_USER:-1000}\n"
                + "  home:\n    image: example/job:1.0.0\n    user: ${HOME:-0}\n";
        Path withEnv = write("a/compose.yaml", compose);
        write("a/.env", "# project settings\nJOB_USER=0\n");
        Path withoutEnv = write("b/compose.yaml", compose);
        Cli a = Cli.run("check", "--profile", "restricted", "--format", "json", withEnv.toString());
        Cli b = Cli.run("check", "--profile", "restricted", "--format", "json", withoutEnv.toString());
        assertThat(System.getenv("HOME")).as("the test needs HOME set in harden's environment").isNotBlank();
        assertThat(a.out()).contains("runs as root because user: ${JOB_USER:-1000} (= 0) is set explicitly")
                .contains("runs as root because user: ${HOME:-0} (= 0) is set explicitly");
        assertThat(b.out()).doesNotContain("${JOB_USER:-1000}").contains("runs as root because user: ${HOME:-0} (= 0)");
    }

    @Test
    void aMissingPathIsBadInput() {
        Cli r = Cli.run("check", dir.resolve("nope.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope.yaml: no such file or directory");
    }

    @Test
    void filesOverTheSizeLimitAreRefusedWithTheLimitNamed() throws IOException {
        Path file = write("compose.yaml", STACK);
        Cli r = Cli.run("check", "--max-file-size", "50", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("compose.yaml:1:1: file is " + STACK.length() + " bytes, over the limit of 50");
    }

    @Test
    void jsonHasTheFieldsScriptsNeed() throws IOException {
        Path file = write("compose.yaml", STACK);
        Cli r = Cli.run("check", "--format", "json", "--profile", "baseline", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("\"profile\": \"baseline\"", "\"ruleId\": \"cap-drop-all\"", "\"severity\": \"error\"",
                "\"fixable\": true", "\"exempted\": false", "\"line\": 2", "\"column\": 3", "\"file\": ");
    }

    @Test
    void sarifListsRulesAndResultsWithSuppressionsForExemptions() throws IOException {
        Path file = write("compose.yaml", STACK.replace("  db:\n", "  db:  # harden:ignore cap-drop-all -- vendor image, tested\n"));
        Cli r = Cli.run("check", "--format", "sarif", "--profile", "baseline", file.toString());
        assertThat(r.out()).contains("\"version\": \"2.1.0\"", "\"name\": \"harden\"", "\"id\": \"cap-drop-all\"",
                "\"startLine\": 2", "\"justification\": \"vendor image, tested\"", "\"kind\": \"external\"");
        // keys in one fixed order, so that two runs print the same bytes (Map.of's order changes per JVM)
        assertThat(r.out()).containsPattern("\"kind\": \"external\",\\s*\"justification\"")
                .containsPattern("\"help\": \\{\\s*\"text\": [^\\n]*,\\s*\"markdown\"");
    }

    @Test
    void unknownProfilesAndRulesFailAtLoadWithASuggestion() throws IOException {
        assertThat(Cli.run("check", "--profile", "restrictd", dir.toString()).err()).contains("did you mean 'restricted'?");
        Path profile = write("mine.yaml", "extends: baseline\nrules:\n  cap-drop-al: {fix: false}\n");
        Cli r = Cli.run("check", "--profile", profile.toString(), dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(profile + ":3:3: unknown rule 'cap-drop-al' (did you mean 'cap-drop-all'?)");
        Path badParam = write("mine2.yaml", "extends: baseline\nrules:\n  pids-limit: {params: {limt: 5}}\n");
        assertThat(Cli.run("check", "--profile", badParam.toString(), dir.toString()).err())
                .contains(badParam + ":3:25: rule 'pids-limit' has no parameter 'limt' (did you mean 'limit'?)");
    }

    @Test
    void aUserProfileExtendsABuiltInAndChangesParameters() throws IOException {
        Path file = write("compose.yaml", "services:\n  app:\n    image: example/app:1.0\n");
        Path profile = write("team.yaml", "extends: baseline\nname: team\nrules:\n  pids-limit: {params: {limit: 64}}\n  no-new-privileges: {enabled: false}\n");
        Cli r = Cli.run("fix", "--diff", "--profile", profile.toString(), file.toString());
        assertThat(r.out()).contains("+    pids_limit: 64").doesNotContain("no-new-privileges");
    }

    @Test
    void repoConfigChoosesTheProfileAndExemptsWithAReasonThatReportsShow() throws IOException {
        write(".harden.yaml", """
                profile: baseline
                exemptions:
                  - rules: [cap-drop-all]
                    service: db
                    reason: the vendor's entrypoint needs its capabilities
                """);
        Path file = write("compose.yaml", STACK);
        Cli r = Cli.run("check", file.toString());
        assertThat(r.out()).contains("exempted cap-drop-all [db] keeps Docker's default capabilities (exempted: the vendor's entrypoint needs its capabilities)");
        assertThat(r.err()).contains("profile baseline");
        Cli fix = Cli.run("fix", "--diff", file.toString());
        assertThat(fix.out()).contains("+    cap_drop:").containsOnlyOnce("cap_drop");
    }

    @Test
    void rulesListsEveryRuleAndExplainsOne() {
        Cli list = Cli.run("rules");
        assertThat(list.out()).contains("read-only-root-filesystem", "restricted, strict");
        Cli one = Cli.run("rules", "cap-drop-all");
        assertThat(one.out()).contains("cap-drop-all: Capabilities dropped by default", "How to comply:", "baseline: error, fixes");
        assertThat(Cli.run("rules", "nope").exit()).isEqualTo(2);
    }

    @Test
    void interactiveFixAppliesOnlyTheChangesTheUserAccepts() throws Exception {
        Path file = write("compose.yaml", "services:\n  a:\n    image: example/a:1\n" + "\n".repeat(8) + "  b:\n    image: example/b:1\n");
        var in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("n\ny\n".getBytes(StandardCharsets.UTF_8)));
            Cli r = Cli.run("fix", "--interactive", "--profile", "baseline", file.toString());
            assertThat(r.exit()).isZero();
            // baseline drops no capabilities of these unknown images: no-new-privileges a, b; pids-limit a, b
            assertThat(r.out()).contains("(2/4) Apply this change [y,n,a,d,q,?]?");
        } finally {
            System.setIn(in);
        }
        String after = Files.readString(file);
        List<String> lines = after.lines().toList();
        assertThat(lines.subList(0, 4)).containsExactly("services:", "  a:", "    image: example/a:1", "");
        assertThat(after).contains("  b:\n    image: example/b:1\n    security_opt:\n      - no-new-privileges:true\n");
    }

    @Test
    void repoConfigAddsImageKnowledgeThatMakesAnUnknownImageKnown() throws IOException {
        write(".harden.yaml", "profile: restricted\nimages: images.yaml\n");
        write("images.yaml", """
                images:
                  - name: acme/api
                    runsAs: root
                    nonRootUid: "1000:1000"
                    writablePaths: [/tmp, /var/cache/api]
                    sources: [https://example.org/acme-api-dockerfile]
                """);
        Path file = write("compose.yaml", "services:\n  api:\n    image: acme/api:2.0\n");
        Cli r = Cli.run("fix", "--diff", file.toString());
        assertThat(r.out()).contains("+    user: \"1000:1000\"", "+      - /var/cache/api");
    }

    @Test
    void verboseSaysWhichFilesAreKustomizePatches() throws Exception {
        write("app/kustomization.yaml", "resources: [deployment.yaml]\npatches:\n  - path: memory.yaml\n");
        write("app/deployment.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
                + "    - {name: web, image: example/web:1.0}\n");
        Path patch = write("app/memory.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
                + "    - {name: web, resources: {limits: {memory: 1Gi}}}\n");
        Cli r = Cli.run("fix", "-v", "--profile", "baseline", dir.resolve("app").toString());
        assertThat(r.err()).contains("memory.yaml:1:1: a Kustomize patch of deployment.yaml (Pod/web) (listed in kustomization.yaml)");
        assertThat(Files.readString(patch)).doesNotContain("securityContext");
        assertThat(Files.readString(dir.resolve("app/deployment.yaml"))).contains("securityContext");
    }
}
