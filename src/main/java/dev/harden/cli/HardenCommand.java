package dev.harden.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code harden} command and its subcommands. */
@Command(name = "harden",
        mixinStandardHelpOptions = true,
        versionProvider = HardenCommand.Version.class,
        description = {
            "Hardens Docker Compose files and Kubernetes manifests: non-root users, dropped capabilities,",
            "no privilege escalation, read-only root filesystems, resource limits, pinned images.",
            "It edits only the bytes it must: comments, quoting, key order and line endings stay as they are.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  harden check .                      report findings under the current folder",
            "  harden fix --diff compose.yaml      show what harden would change, as a patch",
            "  harden fix --profile strict k8s/    harden manifests in place with the strict profile",
            "  harden verify --profile strict .    start each service before and after hardening",
            "  harden rules read-only-root-filesystem   explain one rule",
            "  harden pr --repo acme/shop          commit the fix and open a pull request",
            "",
            "Exit codes:",
            "  0  clean (check) or done (fix)",
            "  1  findings remain (check), or hardening broke a service (verify)",
            "  2  bad input or usage: a file could not be read or parsed, an unknown option or profile",
            "  3  internal error (a bug: run again with --stacktrace and report it)",
            "  4  git or the forge refused (pr): the message says what to do",
            "",
            "Profiles: baseline, restricted (default), strict, or a profile file. NO_COLOR turns colour off."})
public final class HardenCommand implements Callable<Integer> {
    public static final int CLEAN = 0;
    public static final int FINDINGS = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL = 3;
    public static final int REMOTE = 4;

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an internal error.")
    boolean stacktrace;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return BAD_INPUT;
    }

    /** The subcommands in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("check", CheckCommand::new);
        SUBCOMMANDS.put("fix", FixCommand::new);
        SUBCOMMANDS.put("verify", VerifyCommand::new);
        SUBCOMMANDS.put("pr", PrCommand::new);
        SUBCOMMANDS.put("rules", RulesCommand::new);
    }

    /** The command line with every subcommand, harden's exit codes and one-line error messages. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments. Building picocli's model of every command costs a short
     * run a large part of its time, so when the first argument names a subcommand only that one is built.
     */
    public static CommandLine commandLine(String[] argv) {
        CommandLine cli = new CommandLine(new HardenCommand());
        String first = argv.length > 0 ? argv[0] : "";
        if (SUBCOMMANDS.containsKey(first)) {
            cli.addSubcommand(first, SUBCOMMANDS.get(first).get());
        } else if (!isVersionOnly(argv)) {
            SUBCOMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        cli.setUsageHelpWidth(100);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UserException) {
                err.println("harden: " + ex.getMessage());
                return BAD_INPUT;
            }
            boolean trace = parseResult.hasMatchedOption("--stacktrace");
            err.println("harden: internal error: " + ex + (trace ? "" : " (run again with --stacktrace and report it)"));
            if (trace) {
                ex.printStackTrace(err);
            }
            return INTERNAL;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("harden: " + ex.getMessage());
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return BAD_INPUT;
        });
        return cli;
    }

    /** {@code harden --version} needs no subcommand's model at all. */
    private static boolean isVersionOnly(String[] argv) {
        return argv.length == 1 && (argv[0].equals("--version") || argv[0].equals("-V"));
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"harden " + version(), "Java " + System.getProperty("java.version")};
        }
    }

    static String version() {
        String v = HardenCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
