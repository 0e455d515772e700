package dev.harden.manifest;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and quantities as manifests write them: Compose byte sizes ({@code 512m}, {@code 1g},
 * {@code 1.5GB}, which the JVM's {@code -Xmx1g} also reads as) and Kubernetes quantities
 * ({@code 512Mi}, {@code 1G}, {@code 100m}, {@code 1e3}).
 */
public final class Quantities {
    private static final Pattern BYTES = Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)i?b?\\s*");
    private static final Pattern QUANTITY = Pattern.compile(
            "([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)");

    private Quantities() {
    }

    /**
     * A byte size as Docker reads {@code mem_limit} or {@code shm_size}: a number, then k, m, g or t
     * (powers of 1024, in any case) with an optional {@code i} and {@code b}; {@code 1024}, {@code 512M},
     * {@code 1.5GB}, {@code 2KiB}. Computed in a double as Docker does, so a size past
     * {@link Long#MAX_VALUE} reads as {@link Long#MAX_VALUE}.
     *
     * @return the bytes, or null when the text is absent or not a size
     */
    public static Long bytes(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = BYTES.matcher(text);
        if (!m.matches()) {
            return null;
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

    /**
     * A Kubernetes quantity as the number it stands for: decimal suffixes ({@code m} is a
     * thousandth, {@code k}, {@code M}, {@code G}, {@code T}, {@code P}, {@code E}), binary ones
     * ({@code Ki} to {@code Ei}) or an exponent ({@code 1e3}); surrounding spaces ignored.
     *
     * @return the number, or null when the text is absent or not a quantity
     */
    public static BigDecimal kubernetes(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = QUANTITY.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        try {
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
        } catch (NumberFormatException | ArithmeticException e) {
            // "1.2.3", or an exponent beyond an int
            return null;
        }
    }
}
