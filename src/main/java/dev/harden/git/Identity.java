package dev.harden.git;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a commit is by.
 *
 * @param name display name
 * @param email address; compared to recognise harden's own commits
 */
public record Identity(String name, String email) {
    private static final Pattern FORM = Pattern.compile("\\s*([^<>]*?)\\s*<([^<>\\s]+@[^<>\\s]+)>\\s*");

    /** The default bot identity; the {@code .invalid} domain cannot belong to anybody's account. */
    public static final Identity HARDEN = new Identity("harden", "harden@noreply.invalid");

    public Identity {
        if (name == null || name.isBlank() || email == null || !email.contains("@")) {
            throw new IllegalArgumentException("an identity needs a name and an email: '" + name + " <" + email + ">'");
        }
    }

    /** Parses {@code Name <email>}. */
    public static Identity parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches() || m.group(1).isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not of the form 'Name <email@example.com>'");
        }
        return new Identity(m.group(1), m.group(2));
    }

    @Override
    public String toString() {
        return name + " <" + email + ">";
    }
}
