package dev.harden.cli;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Reports;
import dev.harden.report.UnifiedDiff;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Entry point: runs the command line and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // picocli registers converters for java.sql and java.time types by reflection, which loads
        // about a hundred classes a run never uses: an Option is text, a path, a number or a choice.
        System.setProperty("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
        // Reading the rule catalogue, the image knowledge and the default profile, and loading the
        // classes a hardening uses, take a short run about as long as building the command line
        // does: on a second core the two overlap.
        if (args.length > 0 && java.util.Set.of("check", "fix", "verify", "pr").contains(args[0])) {
            // An anonymous class rather than a method reference: linking the first lambda sets up the
            // JDK's lambda machinery, which this thread, not the main one, should pay for.
            Thread preload = new Thread("harden-preload") {
                @Override
                public void run() {
                    preload();
                }
            };
            preload.setDaemon(true);
            preload.start();
        }
        System.exit(HardenCommand.commandLine(args).execute(args));
    }

    /** A small file whose hardening loads the classes a real run needs. */
    private static final byte[] WARM_UP = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n"
            .getBytes(StandardCharsets.UTF_8);

    private static void preload() {
        try {
            Profile profile = Profile.load(Profile.DEFAULT, RuleCatalog.builtIn().parameters());
            FileReport report = new FileHardener(profile, ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT)
                    .process(Path.of("warm-up.yaml"), "warm-up.yaml", WARM_UP, true);
            if (report.changed()) {
                UnifiedDiff.diff("warm-up.yaml", new String(WARM_UP, StandardCharsets.UTF_8),
                        new String(report.fixed(), StandardCharsets.UTF_8));
                Reports.text(List.of(report), false, true);
            }
        } catch (ProfileException | RuntimeException e) {
            // the command reads them again and reports any problem itself
        }
    }
}
