package dev.harden.rule;

import java.util.regex.Pattern;

/** A kind of failure a container's log shows, in the order {@code harden verify} weighs them. */
enum LogSymptom {
    READ_ONLY_FILE_SYSTEM("(?i).*read-only file system.*"),
    NOT_PERMITTED("(?i).*not permitted.*"),
    PERMISSION_DENIED("(?i).*permission denied.*"),
    OUT_OF_MEMORY("(?i).*(cannot allocate memory|out of memory|too much memory).*"),
    NO_PROCESSES_LEFT("(?i).*(resource temporarily unavailable|fork).*"),
    PRIVILEGES_NOT_GAINED("(?i).*(no new privileges|effective uid is not 0|setuid).*"),
    ROOT_REFUSED("(?i).*(runAsNonRoot|non-root policy).*");

    private final Pattern pattern;

    LogSymptom(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    boolean shownBy(String failure) {
        return pattern.matcher(failure).matches();
    }
}
