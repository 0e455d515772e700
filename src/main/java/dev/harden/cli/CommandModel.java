package dev.harden.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ScopeType;

/**
 * Picocli's model of one command, declared in code and read by option name after parsing.
 *
 * <p>Declared rather than annotated because picocli builds an annotation model by reflection and
 * generated annotation proxies, which costs a short run about 70 ms before any work starts
 * (docs/performance.md); the help, the parsing and the errors are picocli's either way.
 */
final class CommandModel {
    private final CommandSpec spec;

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

    /** An option without a value: true when given. */
    CommandModel flag(String description, String... names) {
        spec.addOption(OptionSpec.builder(names).type(boolean.class).arity("0").description(description).build());
        return this;
    }

    /** A flag that every subcommand added later accepts too. */
    CommandModel inheritedFlag(String description, String... names) {
        spec.addOption(OptionSpec.builder(names).type(boolean.class).arity("0").scopeType(ScopeType.INHERIT)
                .description(description).build());
        return this;
    }

    /** An option with a text value and no default. */
    CommandModel option(String label, String description, String... names) {
        return option(String.class, label, null, description, names);
    }

    /**
     * An option with a value of {@code type}, which picocli converts.
     *
     * @param defaultValue the value when the option is not given, or null; help shows it for {@code ${DEFAULT-VALUE}}
     */
    CommandModel option(Class<?> type, String label, String defaultValue, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).type(type).paramLabel(label).defaultValue(defaultValue)
                .description(description).build());
        return this;
    }

    /** An option that may be given several times, each with a text value. */
    CommandModel repeatable(String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).paramLabel(label)
                .description(description).build());
        return this;
    }

    /** The options of each command that starts containers: {@code verify}, {@code fix --verify}, {@code pr --verify}. */
    CommandModel verifyOptions() {
        return repeatable("NAME=VALUE", "A variable for $${VAR} in Compose files and for environment entries without a value"
                        + " (repeatable); it wins over the .env beside the file. harden's own environment is never used.", "--env")
                .flag("Also start services that are privileged, share a host namespace, get devices or capabilities beyond"
                        + " Docker's defaults, or mount the engine's socket or host paths outside the project folder"
                        + " (refused otherwise, with exit 2).", "--allow-host-access");
    }

    /** Any number of positional parameters of {@code type}, read as a list. */
    CommandModel positionals(Class<?> type, String label, String description) {
        spec.addPositional(PositionalParamSpec.builder().arity("0..*").type(List.class).auxiliaryTypes(type)
                .paramLabel(label).description(description).build());
        return this;
    }

    /** One optional positional parameter. */
    CommandModel positional(String label, String description) {
        spec.addPositional(PositionalParamSpec.builder().arity("0..1").type(String.class)
                .paramLabel(label).description(description).build());
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

    /** Whether the flag was given. */
    boolean flag(String name) {
        return Boolean.TRUE.equals(named(name).getValue());
    }

    /** The option's value: as given, else its default, else null. */
    <T> T value(String name) {
        return named(name).getValue();
    }

    /** Every value of a repeatable option, in order; empty when not given. */
    <T> List<T> values(String name) {
        List<T> given = named(name).getValue();
        return given == null ? new ArrayList<>() : new ArrayList<>(given);
    }

    /** The positional parameters' value: a list (empty when none was given) or a single value (else null). */
    <T> T positionals() {
        PositionalParamSpec p = spec.positionalParameters().get(0);
        Object value = p.getValue();
        if (value == null && List.class.equals(p.type())) {
            value = new ArrayList<>();
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    private OptionSpec named(String name) {
        OptionSpec option = spec.findOption(name);
        if (option == null) {
            throw new IllegalStateException("'" + spec.qualifiedName() + "' declares no option " + name);
        }
        return option;
    }
}
