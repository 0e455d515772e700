package dev.harden.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The one size and quantity reader agrees with each of the parsers it replaced on every text that
 * parser accepted. The old parsers are kept below as they were, as the oracle.
 */
class QuantitiesProperties {
    @Property(tries = 3000)
    void readsEveryComposeSizeTheRulesAndVerifyReadTheSameWay(@ForAll("sizes") String text) {
        Long old = Old.composeRulesBytes(text);
        if (old != null) {
            assertThat(Quantities.bytes(text)).as(text).isEqualTo(old);
            assertThat(Old.composeTranslationBytes(text)).as("verify read what the rules read").isEqualTo(old);
        }
    }

    @Property(tries = 3000)
    void readsEveryJvmHeapSizeTheSameWay(@ForAll("sizes") String size) {
        Long old = Old.jvmHeap("-Xmx" + size);
        if (old != null) {
            assertThat(Quantities.bytes(size)).as(size).isEqualTo(old);
        }
    }

    /** The command line's old reader was exact past 2^53 bytes (8 PiB), where Docker's double is not. */
    @Property(tries = 3000)
    void readsEveryMaxFileSizeTheCommandLineAcceptedTheSameWayBelowEightPebibytes(@ForAll("sizes") String text) {
        Long old;
        try {
            old = Old.cliSize(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (old < (1L << 53)) {
            assertThat(Quantities.bytes(text)).as(text).isEqualTo(old);
        }
    }

    @Property(tries = 3000)
    void readsEveryKubernetesQuantityTheRulesAndVerifyReadTheSameWay(@ForAll("quantities") String text) {
        BigDecimal rules;
        try {
            rules = Old.kubernetesRulesQuantity(text);
        } catch (NumberFormatException e) {
            rules = null; // an exponent beyond an int: the old rule code threw
        }
        if (rules != null) {
            assertThat(Quantities.kubernetes(text)).as(text).isEqualTo(rules);
        }
        BigDecimal verify;
        try {
            verify = Old.kubernetesTranslationQuantity(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(Quantities.kubernetes(text)).as(text).isEqualTo(verify);
    }

    @Example
    void readsTheSizesTheDocsName() {
        assertThat(Quantities.bytes("512m")).isEqualTo(512L << 20);
        assertThat(Quantities.bytes("1g")).isEqualTo(1L << 30);
        assertThat(Quantities.bytes("1.5GB")).isEqualTo(3L << 29);
        assertThat(Quantities.bytes(" 2 KiB ")).isEqualTo(2048L);
        assertThat(Quantities.bytes("1024")).isEqualTo(1024L);
        assertThat(Quantities.bytes("lots")).isNull();
        assertThat(Quantities.bytes("1p")).isNull();
        assertThat(Quantities.bytes(null)).isNull();
        assertThat(Quantities.bytes("99999999999t")).as("past a long, as Docker's double").isEqualTo(Long.MAX_VALUE);
        assertThat(Quantities.kubernetes("512Mi")).isEqualByComparingTo(BigDecimal.valueOf(512L << 20));
        assertThat(Quantities.kubernetes("1G")).isEqualByComparingTo("1000000000");
        assertThat(Quantities.kubernetes("100m")).isEqualByComparingTo("0.1");
        assertThat(Quantities.kubernetes("1e3")).isEqualByComparingTo("1000");
        assertThat(Quantities.kubernetes("1e99999999999")).as("an exponent beyond an int").isNull();
        assertThat(Quantities.kubernetes("1.2.3")).isNull();
        assertThat(Quantities.kubernetes("1mi")).isNull();
    }

    @Provide
    Arbitrary<String> sizes() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(12),
                Combinators.combine(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9),
                        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(4)).as((a, b) -> a + "." + b),
                Arbitraries.strings().numeric().ofMinLength(13).ofMaxLength(25));
        Arbitrary<String> unit = Arbitraries.of("", "b", "B", "k", "K", "kb", "KB", "kib", "KiB", "ki", "m", "M", "mb", "MB",
                "mib", "MiB", "g", "G", "gb", "GB", "Gi", "t", "T", "tb", "p", "PB", "i", "ib", "e", "bb", "kk");
        Arbitrary<String> space = Arbitraries.of("", "", "", " ", "  ", "\t");
        Arbitrary<String> shaped = Combinators.combine(space, number, space, unit, space).as((a, n, b, u, c) -> a + n + b + u + c);
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789.kmgtKMGTiIbBp -").ofMaxLength(8);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, shaped), net.jqwik.api.Tuple.of(1, noise));
    }

    @Provide
    Arbitrary<String> quantities() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(12),
                Combinators.combine(Arbitraries.strings().numeric().ofMaxLength(6),
                        Arbitraries.strings().numeric().ofMaxLength(4)).as((a, b) -> a + "." + b));
        Arbitrary<String> sign = Arbitraries.of("", "", "", "+", "-");
        Arbitrary<String> suffix = Arbitraries.of("", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
                "e3", "E3", "e-2", "e+5", "e99999999999", "mi", "K", "g", "Gb");
        Arbitrary<String> space = Arbitraries.of("", "", " ", "\t");
        Arbitrary<String> shaped = Combinators.combine(space, sign, number, suffix, space).as((a, s, n, x, b) -> a + s + n + x + b);
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789.mkMGTPEKieE+- ").ofMaxLength(8);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, shaped), net.jqwik.api.Tuple.of(1, noise));
    }

    /** The parsers as they were before one reader replaced them. */
    private static final class Old {
        private static final Pattern HEAP = Pattern.compile("-Xm[xs]([0-9]{1,9})([kKmMgGtT]?)\\b");
        private static final Pattern RULES_QUANTITY =
                Pattern.compile("([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)");
        private static final Pattern VERIFY_QUANTITY =
                Pattern.compile("([0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)");

        /** rule/ComposeRules.bytes. */
        static Long composeRulesBytes(String value) {
            if (value == null) {
                return null;
            }
            var m = Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)i?b?\\s*").matcher(value);
            if (!m.matches()) {
                return null;
            }
            double n = Double.parseDouble(m.group(1));
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            return (long) (n * (1L << shift));
        }

        /** verify/ComposeTranslation.bytes. */
        static Long composeTranslationBytes(String value) {
            if (value == null) {
                return null;
            }
            Matcher m = Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)i?b?\\s*").matcher(value);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a size: '" + value + "'");
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
        }

        /** rule/JvmHeap.of, for one flag: its heap, or null when the flag is not one or was skipped. */
        static Long jvmHeap(String t) {
            Matcher m = HEAP.matcher(t);
            if (!m.matches()) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            if (n > (Long.MAX_VALUE >> 42)) {
                return null;
            }
            return n << shift;
        }

        /** cli/Options.parseSize, its errors as IllegalArgumentException. */
        static long cliSize(String text) {
            var m = Pattern.compile("(?i)\\s*([0-9]+)\\s*(b|kb|k|mb|m|gb|g)?\\s*").matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a size");
            }
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("too large");
            }
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            long factor = switch (unit) {
                case "k", "kb" -> 1024L;
                case "m", "mb" -> 1024L * 1024;
                case "g", "gb" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            if (n <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
            try {
                return Math.multiplyExact(n, factor);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("too large");
            }
        }

        /** rule/KubernetesRules.quantity. */
        static BigDecimal kubernetesRulesQuantity(String text) {
            Matcher m = RULES_QUANTITY.matcher(text.trim());
            if (!m.matches()) {
                return null;
            }
            BigDecimal n;
            try {
                n = new BigDecimal(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (m.group(2) != null) {
                return n.scaleByPowerOfTen(Integer.parseInt(m.group(2).substring(1)));
            }
            String suffix = m.group(3) == null ? "" : m.group(3);
            return switch (suffix) {
                case "m" -> n.scaleByPowerOfTen(-3);
                case "k" -> n.scaleByPowerOfTen(3);
                case "M" -> n.scaleByPowerOfTen(6);
                case "G" -> n.scaleByPowerOfTen(9);
                case "T" -> n.scaleByPowerOfTen(12);
                case "P" -> n.scaleByPowerOfTen(15);
                case "E" -> n.scaleByPowerOfTen(18);
                case "" -> n;
                default -> n.multiply(BigDecimal.valueOf(2).pow(10 * ("KMGTPE".indexOf(suffix.charAt(0)) + 1)));
            };
        }

        /** verify/KubernetesTranslation.quantity. */
        static BigDecimal kubernetesTranslationQuantity(Object value) {
            if (value == null) {
                return null;
            }
            Matcher m = VERIFY_QUANTITY.matcher(String.valueOf(value).trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a quantity: '" + value + "'");
            }
            BigDecimal n = new BigDecimal(m.group(1));
            if (m.group(2) != null) {
                return n.scaleByPowerOfTen(Integer.parseInt(m.group(2).substring(1)));
            }
            String suffix = m.group(3) == null ? "" : m.group(3);
            return switch (suffix) {
                case "" -> n;
                case "m" -> n.scaleByPowerOfTen(-3);
                case "k" -> n.scaleByPowerOfTen(3);
                case "M" -> n.scaleByPowerOfTen(6);
                case "G" -> n.scaleByPowerOfTen(9);
                case "T" -> n.scaleByPowerOfTen(12);
                case "P" -> n.scaleByPowerOfTen(15);
                case "E" -> n.scaleByPowerOfTen(18);
                default -> n.multiply(BigDecimal.valueOf(2).pow(10 * ("KMGTPE".indexOf(suffix.charAt(0)) + 1)));
            };
        }
    }
}
