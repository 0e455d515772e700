package dev.harden.verify;

import dev.harden.report.FileReport;
import java.util.List;

/**
 * A fix with the changes that broke a service left out.
 *
 * @param report the fix to write: every change except the dropped ones, which show as exempted findings
 * @param results what verify found for each service of the first fix
 * @param dropped the changes left out, per service
 */
public record VerifiedFix(FileReport report, List<ServiceResult> results, List<Dropped> dropped) {
    public VerifiedFix {
        results = List.copyOf(results);
        dropped = List.copyOf(dropped);
    }

    /**
     * Changes of some rules left out for one service because they broke it.
     *
     * @param file the file, as reports name it
     * @param service the service
     * @param rules the rules whose changes were left out
     * @param logLine the log line of the broken start
     */
    public record Dropped(String file, String service, List<String> rules, String logLine) {
        public Dropped {
            rules = List.copyOf(rules);
        }
    }
}
