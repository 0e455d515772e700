package dev.harden.report;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction for everything harden prints, throws, logs or sends: the user part of every URL
 * and every known secret value (raw, percent-encoded or URL-decoded) become {@code ***}.
 */
public final class Redact {
    /** Secrets shorter than this are not searched for: masking every "ab" would garble output and hide nothing. */
    private static final int SHORTEST = 4;
    /** A scheme, then everything up to the last {@code @} before the URL ends, so passwords with / or @ are covered. */
    private static final Pattern USERINFO = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^\\s\"'<>`]*)@");
    private static final Pattern WHOLE = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^\\s]*)@([^@\\s]*)");

    /** Masks URLs' user parts only. */
    public static final Redact URLS = new Redact(List.of());

    private final List<String> secrets;

    private Redact(List<String> secrets) {
        this.secrets = secrets;
    }

    /** Masks URLs' user parts and these values (nulls and values under four characters are ignored). */
    public static Redact of(String... secrets) {
        return URLS.and(Arrays.asList(secrets));
    }

    /** This redaction plus more secret values. */
    public Redact and(Collection<String> more) {
        Set<String> all = new LinkedHashSet<>(secrets);
        for (String s : more) {
            if (s != null && s.length() >= SHORTEST) {
                all.add(s);
                all.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
                all.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        List<String> sorted = new ArrayList<>(all);
        sorted.sort((a, b) -> b.length() - a.length());
        return new Redact(List.copyOf(sorted));
    }

    /** This redaction plus the user name and password in a URL, if it has any. */
    public Redact andUserinfoOf(String url) {
        return userinfo(url).map(u -> and(Arrays.asList(u.user(), u.password(), u.raw()))).orElse(this);
    }

    /** The text with every secret and every URL's user part masked; null stays null. */
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return USERINFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + "***@");
    }

    /**
     * A URL's user part, taken the way {@link #apply} masks it: everything between {@code ://} and the
     * last {@code @}.
     *
     * @param url the URL without any user part
     * @param user the decoded user name (a token, for {@code https://TOKEN@host})
     * @param password the decoded password, or null
     * @param raw the user part as written
     */
    public record Userinfo(String url, String user, String password, String raw) {
        @Override
        public String toString() {
            return "Userinfo[url=" + url + ", user=***, password=***]";
        }
    }

    /** The user part of a URL, if it has one. */
    public static Optional<Userinfo> userinfo(String url) {
        if (url == null) {
            return Optional.empty();
        }
        Matcher m = WHOLE.matcher(url.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String raw = m.group(2);
        int colon = raw.indexOf(':');
        String user = decode(colon < 0 ? raw : raw.substring(0, colon));
        String password = colon < 0 ? null : decode(raw.substring(colon + 1));
        return Optional.of(new Userinfo(m.group(1) + m.group(3), user, password, raw));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
