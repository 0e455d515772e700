package dev.harden.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ScopeType;

/**
 * Picocli's model of one command, declared in code from {@link Option}s and read with their types after parsing.
 *
 * <p>Declared rather than annotated because picocli builds an annotation model by reflection and
 * generated annotation proxies, which costs a short run about 70 ms before any work starts
 * (docs/performance.md); the help, the parsing and the errors are picocli's either way.
 */
final class CommandModel {
    private final CommandSpec spec;
    /** Each option added and what picocli made of it; looked up by identity, as options do not define equality. */
    private final Map<Option<?>, ArgSpec> declared = new LinkedHashMap<>();

    private CommandModel(CommandSpec spec) {
        this.spec = spec;
    }

    /** A command that runs {@code command}, with {@code --help} and {@code --version}. */
    static CommandModel of(Callable<Integer> command, String name, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name).versionProvider(new HardenCommand.Version());
        spec.usageMessage().description(description);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return new CommandModel(spec);
    }

    /** Help text after the options. */
    CommandModel footer(String heading, String... lines) {
        spec.usageMessage().footerHeading(heading).footer(lines);
        return this;
    }

    /** Adds the options, in the order help lists them. */
    CommandModel with(Option<?>... options) {
        for (Option<?> o : options) {
            ArgSpec arg = switch (o.shape) {
                case FLAG -> OptionSpec.builder(o.names()).type(boolean.class).arity("0").description(o.description).build();
                case INHERITED_FLAG -> OptionSpec.builder(o.names()).type(boolean.class).arity("0").scopeType(ScopeType.INHERIT)
                        .description(o.description).build();
                case VALUE -> OptionSpec.builder(o.names()).type(o.parsedAs).paramLabel(o.label).defaultValue(o.defaultValue)
                        .description(o.description).build();
                case REPEATABLE -> OptionSpec.builder(o.names()).type(List.class).auxiliaryTypes(o.parsedAs).paramLabel(o.label)
                        .description(o.description).build();
                case POSITIONALS -> PositionalParamSpec.builder().arity("0..*").type(List.class).auxiliaryTypes(o.parsedAs)
                        .paramLabel(o.label).description(o.description).build();
                case POSITIONAL -> PositionalParamSpec.builder().arity("0..1").type(o.parsedAs)
                        .paramLabel(o.label).description(o.description).build();
            };
            if (arg instanceof OptionSpec option) {
                spec.addOption(option);
            } else {
                spec.addPositional((PositionalParamSpec) arg);
            }
            declared.put(o, arg);
        }
        return this;
    }

    CommandSpec spec() {
        return spec;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The option's value as parsed: as given, else its default; a flag is false and a list empty when not given. */
    <T> T get(Option<T> option) {
        ArgSpec arg = declared.get(option);
        if (arg == null) {
            throw new IllegalStateException("'" + spec.qualifiedName() + "' declares no option " + option.name());
        }
        return option.read(arg.getValue());
    }

    /** The options added with {@link #with}, in order. */
    List<Option<?>> declared() {
        return new ArrayList<>(declared.keySet());
    }
}
