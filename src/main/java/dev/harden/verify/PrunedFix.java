package dev.harden.verify;

import dev.harden.report.FileReport;
import java.util.List;

/**
 * A file's fix with the changes that stopped a service from starting left out.
 *
 * @param report the fix to write: every change except the ones left out, which show as exempted findings
 * @param results what verify found for each service of the first fix
 * @param leftOut the changes left out, per service
 */
record PrunedFix(FileReport report, List<ServiceResult> results, List<LeftOut> leftOut) {
    PrunedFix {
        results = List.copyOf(results);
        leftOut = List.copyOf(leftOut);
    }
}
