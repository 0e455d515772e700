package dev.harden.rule;

import java.util.Locale;
import java.util.Map;

/** Linux capability names as Compose reads them, and what the risky ones allow. */
final class Capabilities {
    /** What the capabilities people add most often beyond Docker's default set allow. */
    static final Map<String, String> RISKS = Map.ofEntries(
            Map.entry("ALL", "which grants every capability, as privileged: true does"),
            Map.entry("SYS_ADMIN", "which allows mounting filesystems and much of what root can do on the host"),
            Map.entry("SYS_MODULE", "which allows loading modules into the host's kernel"),
            Map.entry("SYS_RAWIO", "which allows raw access to devices and memory"),
            Map.entry("SYS_PTRACE", "which allows tracing other processes and reading their memory"),
            Map.entry("SYS_BOOT", "which allows rebooting the host"),
            Map.entry("SYS_TIME", "which allows setting the host's clock"),
            Map.entry("NET_ADMIN", "which allows reconfiguring interfaces, routes and firewall rules"),
            Map.entry("DAC_READ_SEARCH", "which allows reading any file and opening host files by handle"),
            Map.entry("BPF", "which allows loading BPF programs into the kernel"),
            Map.entry("MAC_ADMIN", "which allows changing the AppArmor or SELinux policy"),
            Map.entry("SYSLOG", "which allows reading the kernel log and its addresses"));

    private Capabilities() {
    }

    /** A capability's name upper case and without {@code CAP_}, as Compose reads it. */
    static String normalise(String cap) {
        String upper = cap.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }
}
