package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify, fix --verify and pr --verify refuse host access unless allowed, and take variables only as given. */
class VerifySafetyTest {
    private static final String PRIVILEGED = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";

    @TempDir
    Path dir;

    @Test
    void verifyRefusesAPrivilegedServiceWithOneLineNamingFileAndLineAndExitsTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), PRIVILEGED);

        Cli r = Cli.run("verify", "--docker-host", noEngine(), file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("compose.yaml:4: web: privileged: true gives it every capability and the host's devices;"
                + " nothing was started (--allow-host-access starts it anyway)\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void withAllowHostAccessVerifyGoesOn() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), PRIVILEGED);

        Cli r = Cli.run("verify", "--allow-host-access", "--docker-host", noEngine(), file.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("web (nginx:1.27): cannot tell");
    }

    @Test
    void fixVerifyWithAnEnvFileOutsideTheProjectWritesNothingAndExitsTwo() throws Exception {
        String text = "services:\n  web:\n    image: nginx:1.27\n    env_file: /etc/shadow\n";
        Path file = Files.writeString(dir.resolve("compose.yaml"), text);

        Cli r = Cli.run("fix", "--verify", "--docker-host", noEngine(), file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("compose.yaml:4: web: env_file: /etc/shadow is outside the project folder;"
                + " nothing was started or written");
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void anEnvOptionWithoutAValueOrWithABadNameIsBadUsageAndItsValueIsNeverRepeated() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services:\n  web:\n    image: nginx:1.27\n");

        Cli bare = Cli.run("verify", "--env", "DB_PASSWORD", "--docker-host", noEngine(), file.toString());
        Cli bad = Cli.run("verify", "--env", "1BAD=hunter2secret", "--docker-host", noEngine(), file.toString());

        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains("--env DB_PASSWORD has no value");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--env needs NAME=VALUE").doesNotContain("hunter2secret");
    }

    @Test
    void envAndAllowHostAccessWithoutVerifyAreBadUsage() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), PRIVILEGED);

        Cli r = Cli.run("fix", "--allow-host-access", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--env and --allow-host-access apply to --verify");
        assertThat(Files.readString(file)).isEqualTo(PRIVILEGED);
    }

    @Test
    void everyCommandThatStartsContainersDocumentsEnvAndAllowHostAccess() {
        for (String command : new String[] {"verify", "fix", "pr"}) {
            assertThat(Cli.run(command, "--help").out()).as(command).contains("--env=NAME=VALUE", "--allow-host-access");
        }
        assertThat(Cli.run("--help").out()).contains("130  interrupted (Ctrl-C) while verifying");
        assertThat(Cli.run("verify", "--help").out()).as("picocli would fill ${VAR} from the environment unless escaped")
                .contains("A variable for ${VAR} in Compose files", "${VAR} comes from the .env beside the file");
    }

    private String noEngine() {
        return "unix://" + dir.resolve("no-engine.sock");
    }
}
