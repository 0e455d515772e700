package dev.harden.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * JSON read and written through jackson-jr, the one place that knows how: harden's layout, and
 * limits that keep a hostile answer from costing more than its size.
 */
public final class Json {
    /** Deeper than any honest answer from a registry, forge or Docker engine. */
    static final int MAX_DEPTH = 200;
    /** The longest number read: the inputs' own size caps bound the rest. */
    static final int MAX_NUMBER_LENGTH = 1000;
    /** The longest string read; every input is already capped below it (a manifest at 4 MiB). */
    static final int MAX_STRING_LENGTH = 8 << 20;

    private Json() {
    }

    /** Built on first use only: a plain text run never loads a JSON class. */
    private static final class Holder {
        static final JSON READER = JSON.builder(new JsonFactoryBuilder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(MAX_DEPTH)
                                .maxNumberLength(MAX_NUMBER_LENGTH)
                                .maxStringLength(MAX_STRING_LENGTH)
                                .build())
                        .build())
                .disable(JSON.Feature.USE_DEFERRED_MAPS)
                // the last of duplicate keys wins, as in JavaScript
                .disable(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS)
                .build();
        static final JSON WRITER = writer(true);
        static final JSON WRITER_WITHOUT_NULLS = writer(false);
        static final JSON LINE_WRITER = JSON.builder(new JsonFactoryBuilder().characterEscapes(new Escapes()).build())
                .enable(JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
                .build();

        private static JSON writer(boolean nulls) {
            return JSON.builder(new JsonFactoryBuilder().characterEscapes(new Escapes()).build())
                    .enable(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
                    .set(JSON.Feature.WRITE_NULL_PROPERTIES, nulls)
                    .prettyPrinter(new Layout())
                    .build();
        }
    }

    /**
     * Reads one JSON value: objects become ordered maps, arrays lists, integers {@code Long}
     * (a {@code Double} beyond its range), other numbers {@code Double}.
     *
     * @throws IllegalArgumentException when the text is not one JSON value, or goes past a limit
     */
    public static Object parse(String text) {
        try (JsonParser p = Holder.READER.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("not JSON: no value");
            }
            Object value = Holder.READER.anyFrom(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("not JSON at offset " + p.currentTokenLocation().getCharOffset()
                        + ": text after the JSON value");
            }
            return widen(value);
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new IllegalArgumentException("not JSON at offset " + offset + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Maps, lists, strings, numbers, booleans and null (and records, field by field) as indented JSON with a final newline. */
    public static String write(Object value) {
        return write(Holder.WRITER, value);
    }

    /** As {@link #write}, leaving out every key whose value is null. */
    public static String writeWithoutNulls(Object value) {
        return write(Holder.WRITER_WITHOUT_NULLS, value);
    }

    /** A value as JSON on one line, without a line break: one record of a JSON-lines file. */
    public static String line(Object value) {
        String text = write(Holder.LINE_WRITER, value);
        return text.substring(0, text.length() - 1);
    }

    /** The value at a path of keys through nested maps, or null. */
    public static Object at(Object root, String... keys) {
        Object v = root;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(k);
        }
        return v;
    }

    private static String write(JSON json, Object value) {
        try {
            return json.asString(value) + "\n";
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    /** jackson-jr reads small integers as {@code Integer} and huge ones as {@code BigInteger}; callers see one type. */
    @SuppressWarnings("unchecked")
    private static Object widen(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof BigInteger b) {
            return b.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).replaceAll((k, x) -> widen(x));
        } else if (v instanceof List<?> l) {
            ((List<Object>) l).replaceAll(Json::widen);
        }
        return v;
    }
}
