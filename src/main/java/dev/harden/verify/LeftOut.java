package dev.harden.verify;

import java.util.List;

/**
 * The changes of some rules left out of a fix for one service, because they stopped it from starting.
 *
 * @param file the file, as reports name it
 * @param service the service, or the workload's container
 * @param rules the rules whose changes were left out
 * @param logLine the telling log line of the broken start, masked, or null
 */
public record LeftOut(String file, String service, List<String> rules, String logLine) {
    public LeftOut {
        rules = List.copyOf(rules);
    }
}
