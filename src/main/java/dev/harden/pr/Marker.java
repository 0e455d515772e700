package dev.harden.pr;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden line at the end of a pull request body that lets a later run know what it proposed.
 *
 * @param profile the profile's name
 * @param change the change's hash
 */
record Marker(String profile, String change) {
    private static final Pattern FORM = Pattern.compile("<!-- harden:pr profile=(\\S+) change=([0-9a-f]+) -->");

    static Optional<Marker> find(String body) {
        Matcher m = FORM.matcher(body == null ? "" : body);
        Marker found = null;
        while (m.find()) {
            found = new Marker(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), m.group(2));
        }
        return Optional.ofNullable(found);
    }

    String render() {
        return "<!-- harden:pr profile=" + URLEncoder.encode(profile, StandardCharsets.UTF_8) + " change=" + change + " -->";
    }
}
