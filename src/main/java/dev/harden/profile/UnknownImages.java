package dev.harden.profile;

import java.util.Locale;

/** What a profile does with a change that rests on image facts when no source knows the image. */
public enum UnknownImages {
    /** Leave the change unmade and report what is missing: nothing that can stop the container is written. */
    REPORT,
    /** Make the change on the profile's assumptions and ask for {@code harden verify}. */
    ASSUME;

    /** The value as a profile spells it. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
