package dev.harden.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** The {@code harden} command and its subcommands. */
public final class HardenCommand implements Callable<Integer> {
    public static final int CLEAN = 0;
    public static final int FINDINGS = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL = 3;
    public static final int REMOTE = 4;
    /** Ctrl-C during verify, as shells report a process that SIGINT ended (128 + 2). */
    public static final int INTERRUPTED = 130;

    static final Option<Boolean> STACKTRACE = Option.inheritedFlag("Print the stack trace of an internal error.", "--stacktrace");

    final CommandModel model = CommandModel.of(this, "harden",
                    "Hardens Docker Compose files and Kubernetes manifests: non-root users, dropped capabilities,",
                    "no privilege escalation, read-only root filesystems, resource limits, pinned images.",
                    "It edits only the bytes it must: comments, quoting, key order and line endings stay as they are.",
                    "")
            .with(STACKTRACE)
            .footer("%nExamples:%n",
                    "  harden check .                      report findings under the current folder",
                    "  harden fix --diff compose.yaml      show what harden would change, as a patch",
                    "  harden fix --profile strict k8s/    harden manifests in place with the strict profile",
                    "  harden verify --profile strict .    start each service before and after hardening",
                    "  harden rules read-only-root-filesystem   explain one rule",
                    "  harden pr --repo acme/shop          commit the fix and open a pull request",
                    "  harden bulk run campaign.yaml       one pull request in each repository of a campaign",
                    "  source <(harden completion bash)    complete commands and options in bash (zsh, fish too)",
                    "",
                    "Exit codes:",
                    "  0  clean (check) or done (fix)",
                    "  1  findings remain (check), or hardening broke a service (verify)",
                    "  2  bad input or usage: a file could not be read or parsed, no manifest was found, an unknown option",
                    "  3  internal error (a bug: run again with --stacktrace and report it)",
                    "  4  git or the forge refused (pr; bulk run: a repository failed): the message says what to do",
                    "  130  interrupted (Ctrl-C) while verifying: its containers are removed, nothing is written",
                    "",
                    "Profiles: baseline, restricted (default), strict, or a profile file. NO_COLOR turns colour off.");

    @Override
    public Integer call() {
        model.spec().commandLine().usage(model.out());
        return BAD_INPUT;
    }

    /** The subcommands in the order help lists them. */
    private static final List<String> SUBCOMMANDS = List.of("check", "fix", "verify", "learn", "pr", "bulk", "rules",
            "completion");

    private static CommandModel subcommand(String name) {
        return switch (name) {
            case "check" -> new CheckCommand().model;
            case "fix" -> new FixCommand().model;
            case "verify" -> new VerifyCommand().model;
            case "learn" -> new LearnCommand().model;
            case "pr" -> new PrCommand().model;
            case "bulk" -> new BulkCommand().model;
            case "rules" -> new RulesCommand().model;
            case "completion" -> new CompletionCommand().model;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The command line with every subcommand, harden's exit codes and one-line error messages. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments. Even declared in code, picocli's model of every command
     * costs a short run time, so when the first argument names a subcommand only that one is built.
     */
    public static CommandLine commandLine(String[] argv) {
        CommandLine cli = new CommandLine(new HardenCommand().model.spec());
        String first = argv.length > 0 ? argv[0] : "";
        if (SUBCOMMANDS.contains(first)) {
            cli.addSubcommand(first, subcommand(first).spec());
        } else if (!isVersionOnly(argv)) {
            for (String name : SUBCOMMANDS) {
                cli.addSubcommand(name, subcommand(name).spec());
            }
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        cli.setUsageHelpWidth(100);
        cli.setExecutionExceptionHandler(new ErrorMessage());
        cli.setParameterExceptionHandler(new UsageMessage());
        return cli;
    }

    // The two handlers are classes, not lambdas: a short run's main thread then never links a lambda
    // and leaves the JDK's lambda set-up to the preload thread (see Main).

    /** A command's failure as one line: the user's mistake (exit 2) or an internal error (exit 3). */
    private static final class ErrorMessage implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UserException) {
                err.println("harden: " + ex.getMessage());
                return BAD_INPUT;
            }
            boolean trace = false;
            for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
                trace |= r.hasMatchedOption(STACKTRACE.name()); // given before or after the subcommand
            }
            err.println("harden: internal error: " + ex + (trace ? "" : " (run again with --stacktrace and report it)"));
            if (trace) {
                ex.printStackTrace(err);
            }
            return INTERNAL;
        }
    }

    /** A usage mistake: picocli's message and where to read the usage (exit 2). */
    private static final class UsageMessage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("harden: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
            }
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return BAD_INPUT;
        }
    }

    /** {@code harden --version} needs no subcommand's model at all. */
    private static boolean isVersionOnly(String[] argv) {
        return argv.length == 1 && (argv[0].equals("--version") || argv[0].equals("-V"));
    }

    /** The version from the jar's manifest and the commit the build recorded. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"harden " + version() + " (commit " + BuildInfo.commit() + ")",
                "Java " + System.getProperty("java.version")};
        }
    }

    static String version() {
        String v = HardenCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
