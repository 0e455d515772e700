package dev.harden.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The fish completion script and the man page, both made from the command model; the build writes
 * them with the bash and zsh scripts into {@code target/completion} and {@code target/man}.
 */
public final class Manuals {
    private Manuals() {
    }

    /** Writes {@code completion/harden.{bash,zsh,fish}} and {@code man/harden.1} below {@code args[0]}; {@code args[1]} is the version. */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        Path completion = Files.createDirectories(target.resolve("completion"));
        for (String shell : List.of("bash", "zsh", "fish")) {
            Files.writeString(completion.resolve("harden." + shell), CompletionCommand.script(shell), StandardCharsets.UTF_8);
        }
        Path man = Files.createDirectories(target.resolve("man"));
        Files.writeString(man.resolve("harden.1"), manPage(HardenCommand.commandLine(), args.length > 1 ? args[1] : "dev"),
                StandardCharsets.UTF_8);
    }

    /** Fish completions: the commands, then each command's options and whether it takes files. */
    static String fish(CommandLine full) {
        StringBuilder out = new StringBuilder("# fish completion for harden, made from its command model ('harden completion fish')\n");
        out.append("complete -c harden -f\n");
        CommandSpec top = full.getCommandSpec();
        for (OptionSpec o : top.options()) {
            out.append("complete -c harden -n __fish_use_subcommand").append(fishOption(o)).append('\n');
        }
        for (Map.Entry<String, CommandLine> sub : full.getSubcommands().entrySet()) {
            String name = sub.getKey();
            CommandSpec spec = sub.getValue().getCommandSpec();
            String[] description = spec.usageMessage().description();
            out.append("complete -c harden -n __fish_use_subcommand -a ").append(name)
                    .append(" -d ").append(quote(description.length > 0 ? description[0] : name)).append('\n');
            fishCommand(spec, "__fish_seen_subcommand_from " + name, out);
            // a command of commands (bulk plan, run, status, close): each offered after it, with its own options
            for (Map.Entry<String, CommandLine> inner : sub.getValue().getSubcommands().entrySet()) {
                CommandSpec innerSpec = inner.getValue().getCommandSpec();
                String[] innerDescription = innerSpec.usageMessage().description();
                out.append("complete -c harden -n '__fish_seen_subcommand_from ").append(name).append("' -a ")
                        .append(inner.getKey()).append(" -d ")
                        .append(quote(innerDescription.length > 0 ? innerDescription[0] : inner.getKey())).append('\n');
                fishCommand(innerSpec, "__fish_seen_subcommand_from " + name + "; and __fish_seen_subcommand_from "
                        + inner.getKey(), out);
            }
        }
        return out.toString();
    }

    private static void fishCommand(CommandSpec spec, String condition, StringBuilder out) {
        String when = " -n '" + condition + "'";
        for (OptionSpec o : spec.options()) {
            out.append("complete -c harden").append(when).append(fishOption(o)).append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.paramLabel().equals("PATH") || p.paramLabel().endsWith(".yaml")) {
                out.append("complete -c harden").append(when).append(" -F\n");
            }
        }
    }

    private static String fishOption(OptionSpec o) {
        StringBuilder out = new StringBuilder();
        for (String n : o.names()) {
            out.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
        }
        if (o.arity().max() > 0) {
            out.append(o.type() == Path.class || o.paramLabel().contains("FILE") ? " -r -F" : " -r");
        }
        return out.append(" -d ").append(quote(description(o))).toString();
    }

    private static String description(OptionSpec o) {
        String d = String.join(" ", o.description());
        return d.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A man page in roff: name, synopsis, description, each command with its options, exit status. */
    static String manPage(CommandLine full, String version) {
        CommandSpec top = full.getCommandSpec();
        StringBuilder out = new StringBuilder();
        out.append(".TH HARDEN 1 \"\" \"harden ").append(roff(version)).append("\" \"User Commands\"\n");
        out.append(".SH NAME\nharden \\- harden Docker Compose files and Kubernetes manifests, byte for byte\n");
        out.append(".SH SYNOPSIS\n.B harden\n[\\fB\\-\\-version\\fR] [\\fB\\-\\-help\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIPATH\\fR...]\n");
        out.append(".SH DESCRIPTION\n");
        for (String line : top.usageMessage().description()) {
            out.append(line.isBlank() ? "" : roff(line) + "\n");
        }
        out.append(".SH OPTIONS\n");
        options(top, out);
        out.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> sub : full.getSubcommands().entrySet()) {
            CommandSpec spec = sub.getValue().getCommandSpec();
            if (spec.userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            manCommand("harden " + sub.getKey(), spec, out);
            for (Map.Entry<String, CommandLine> inner : sub.getValue().getSubcommands().entrySet()) {
                manCommand("harden " + sub.getKey() + " " + inner.getKey(), inner.getValue().getCommandSpec(), out);
            }
        }
        out.append(".SH EXIT STATUS\n");
        boolean exitCodes = false;
        for (String line : top.usageMessage().footer()) {
            if (line.startsWith("Exit codes")) {
                exitCodes = true;
            } else if (exitCodes && line.isBlank()) {
                break;
            } else if (exitCodes) {
                String[] parts = line.trim().split("\\s+", 2);
                out.append(".TP\n.B ").append(parts[0]).append('\n').append(roff(parts[1])).append('\n');
            }
        }
        out.append(".SH SEE ALSO\nhttps://github.com/harden-dev/harden/blob/main/docs/cli.md\n");
        return out.toString();
    }

    private static void manCommand(String name, CommandSpec spec, StringBuilder out) {
        StringBuilder synopsis = new StringBuilder(name + " [OPTIONS]");
        for (PositionalParamSpec p : spec.positionalParameters()) {
            synopsis.append(" [").append(p.paramLabel()).append(p.arity().max() > 1 ? "...]" : "]");
        }
        out.append(".SS \"").append(roff(synopsis.toString())).append("\"\n");
        for (String line : spec.usageMessage().description()) {
            out.append(roff(line)).append("\n.br\n");
        }
        options(spec, out);
    }

    private static void options(CommandSpec spec, StringBuilder out) {
        for (OptionSpec o : spec.options()) {
            out.append(".TP\n");
            String[] names = o.names();
            for (int i = 0; i < names.length; i++) {
                out.append(i > 0 ? ", " : "").append("\\fB").append(roff(names[i])).append("\\fR");
            }
            if (o.arity().max() > 0) {
                out.append(" \\fI").append(roff(o.paramLabel())).append("\\fR");
            }
            out.append('\n').append(roff(description(o))).append('\n');
        }
    }

    /** Text safe in roff: backslashes and hyphens escaped, no line starting with a control character. */
    static String roff(String s) {
        String escaped = s.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }
}
