package dev.harden.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One option or positional parameter, declared once and read with its type: its names, its help
 * text, how picocli parses it and how its parsed value becomes a {@code T}.
 *
 * <p>Commands share the declarations of the options they have in common ({@link Options},
 * {@link VerifyOptions}); {@link CommandModel#with} adds one to a command and
 * {@link CommandModel#get} reads it. Subclasses are classes, not lambdas: a short run's main thread
 * links no lambda (see {@link Main}).
 */
abstract class Option<T> {
    /** How picocli takes the option in; what {@link CommandModel} builds from it. */
    enum Shape { FLAG, INHERITED_FLAG, VALUE, REPEATABLE, POSITIONALS, POSITIONAL }

    final Shape shape;
    /** The type picocli converts the text to (for a list, each element's). */
    final Class<?> parsedAs;
    final String label;
    final String defaultValue;
    final String description;
    private final String[] names;

    private Option(Shape shape, Class<?> parsedAs, String label, String defaultValue, String description, String... names) {
        this.shape = shape;
        this.parsedAs = parsedAs;
        this.label = label;
        this.defaultValue = defaultValue;
        this.description = description;
        this.names = names.clone();
    }

    /** The value picocli parsed (null when neither given nor defaulted) as a {@code T}. */
    abstract T read(Object parsed);

    /** The option's names, as declared. */
    String[] names() {
        return names.clone();
    }

    /** The longest name, the one messages use. */
    String name() {
        String longest = names.length == 0 ? label : names[0];
        for (String n : names) {
            longest = n.length() > longest.length() ? n : longest;
        }
        return longest;
    }

    /** An option without a value: true when given. */
    static Option<Boolean> flag(String description, String... names) {
        return new Flag(Shape.FLAG, description, names);
    }

    /** A flag that every subcommand added later accepts too. */
    static Option<Boolean> inheritedFlag(String description, String... names) {
        return new Flag(Shape.INHERITED_FLAG, description, names);
    }

    /** An option with a text value and no default. */
    static Option<String> text(String label, String description, String... names) {
        return textWithDefault(label, null, description, names);
    }

    /**
     * An option with a text value.
     *
     * @param defaultValue the value when the option is not given, or null; help shows it for {@code ${DEFAULT-VALUE}}
     */
    static Option<String> textWithDefault(String label, String defaultValue, String description, String... names) {
        return new Single<>(Shape.VALUE, String.class, String.class, label, defaultValue, description, names);
    }

    /** An option naming a file, without a default. */
    static Option<Path> path(String label, String description, String... names) {
        return new Single<>(Shape.VALUE, Path.class, Path.class, label, null, description, names);
    }

    /** An option with a whole number value, which picocli checks. */
    static Option<Integer> integer(String label, String defaultValue, String description, String... names) {
        return new Single<>(Shape.VALUE, int.class, Integer.class, label, defaultValue, description, names);
    }

    /** An option with a decimal number value, which picocli checks. */
    static Option<Double> decimal(String label, String defaultValue, String description, String... names) {
        return new Single<>(Shape.VALUE, double.class, Double.class, label, defaultValue, description, names);
    }

    /**
     * An option whose value is one of {@code type}'s constants, written in lower case; any other
     * value is the user's mistake, said in one shape: {@code --format must be text or markdown, not 'html'}.
     * Picocli takes it as text, so help and completion show the option as they always did.
     */
    static <E extends Enum<E>> Option<E> choice(Class<E> type, String label, String defaultValue, String description,
            String... names) {
        return new Choice<>(type, false, label, defaultValue, description, names);
    }

    /** Like {@link #choice}, but also taking the value in any case and with spaces around it. */
    static <E extends Enum<E>> Option<E> lenientChoice(Class<E> type, String label, String defaultValue, String description,
            String... names) {
        return new Choice<>(type, true, label, defaultValue, description, names);
    }

    /** {@code -f, --format}: text by default, else one of {@code type}'s constants. */
    static <E extends Enum<E>> Option<E> format(Class<E> type, String description) {
        return choice(type, "FORMAT", "text", description, "-f", "--format");
    }

    /** An option that may be given several times, each with a text value; empty when not given. */
    static Option<List<String>> repeatable(String label, String description, String... names) {
        return new Many<>(Shape.REPEATABLE, String.class, label, description, names);
    }

    /** Any number of positional parameters naming files; empty when none was given. */
    static Option<List<Path>> paths(String label, String description) {
        return new Many<>(Shape.POSITIONALS, Path.class, label, description);
    }

    /** One optional positional parameter; null when not given. */
    static Option<String> positional(String label, String description) {
        return new Single<>(Shape.POSITIONAL, String.class, String.class, label, null, description);
    }

    /** This declaration with another help text: the same option as another command describes it. */
    abstract Option<T> describedAs(String otherDescription);

    /** True or false. */
    private static final class Flag extends Option<Boolean> {
        Flag(Shape shape, String description, String... names) {
            super(shape, boolean.class, null, null, description, names);
        }

        @Override
        Boolean read(Object parsed) {
            return Boolean.TRUE.equals(parsed);
        }

        @Override
        Option<Boolean> describedAs(String otherDescription) {
            return new Flag(shape, otherDescription, names());
        }
    }

    /** One value that picocli converts to {@code V}. */
    private static final class Single<V> extends Option<V> {
        private final Class<V> type;

        Single(Shape shape, Class<?> parsedAs, Class<V> type, String label, String defaultValue, String description,
                String... names) {
            super(shape, parsedAs, label, defaultValue, description, names);
            this.type = type;
        }

        @Override
        V read(Object parsed) {
            return type.cast(parsed);
        }

        @Override
        Option<V> describedAs(String otherDescription) {
            return new Single<>(shape, parsedAs, type, label, defaultValue, otherDescription, names());
        }
    }

    /** One of an enum's constants, named in lower case. */
    private static final class Choice<E extends Enum<E>> extends Option<E> {
        private final Class<E> type;
        private final boolean lenient;

        Choice(Class<E> type, boolean lenient, String label, String defaultValue, String description, String... names) {
            super(Shape.VALUE, String.class, label, defaultValue, description, names);
            this.type = type;
            this.lenient = lenient;
        }

        @Override
        E read(Object parsed) {
            String given = String.class.cast(parsed);
            E[] constants = type.getEnumConstants();
            StringBuilder choices = new StringBuilder();
            for (int i = 0; i < constants.length; i++) {
                String label = constants[i].name().toLowerCase(Locale.ROOT);
                if (given != null && (lenient ? label.equalsIgnoreCase(given.trim()) : label.equals(given))) {
                    return constants[i];
                }
                choices.append(i == 0 ? "" : i == constants.length - 1 ? " or " : ", ").append(label);
            }
            throw new UserException(name() + " must be " + choices + ", not '" + given + "'");
        }

        @Override
        Option<E> describedAs(String otherDescription) {
            return new Choice<>(type, lenient, label, defaultValue, otherDescription, names());
        }
    }

    /** Every value given, in order, each converted by picocli to {@code V}. */
    private static final class Many<V> extends Option<List<V>> {
        private final Class<V> element;

        Many(Shape shape, Class<V> element, String label, String description, String... names) {
            super(shape, element, label, null, description, names);
            this.element = element;
        }

        @Override
        List<V> read(Object parsed) {
            List<V> values = new ArrayList<>();
            if (parsed != null) {
                for (Object v : List.class.cast(parsed)) {
                    values.add(element.cast(v));
                }
            }
            return values;
        }

        @Override
        Option<List<V>> describedAs(String otherDescription) {
            return new Many<>(shape, element, label, otherDescription, names());
        }
    }
}
