package dev.harden.rule;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes and quantities as Compose ({@code 512M}) and Kubernetes ({@code 512Mi}, {@code 100m}) write them. */
final class Quantities {
    private static final Pattern QUANTITY = Pattern.compile("([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)");

    private Quantities() {
    }

    /** Parses a Compose byte value ({@code 512M}, {@code 1g}, {@code 1024}); null when unreadable. */
    static Long bytes(String value) {
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

    /** Whether quantity {@code a} is larger than {@code b}; false when either cannot be read. */
    static boolean larger(String a, String b) {
        BigDecimal x = quantity(a);
        BigDecimal y = quantity(b);
        return x != null && y != null && x.compareTo(y) > 0;
    }

    /** A Kubernetes quantity ({@code 100m}, {@code 1.5}, {@code 512Mi}, {@code 1e3}) as a number, or null. */
    static BigDecimal quantity(String text) {
        Matcher m = QUANTITY.matcher(text.trim());
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
}
