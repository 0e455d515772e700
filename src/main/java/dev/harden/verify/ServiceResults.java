package dev.harden.verify;

import dev.harden.json.Json;
import dev.harden.report.Terminal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Verify's results as text for people, JSON for scripts, and Markdown for a pull request body. */
public final class ServiceResults {
    /** Failures harden recognises in a log line, each named in fixed words. */
    private static final List<Map.Entry<Pattern, String>> SYMPTOMS = List.of(
            Map.entry(Pattern.compile("(?i).*read-only file system.*"), "Read-only file system"),
            Map.entry(Pattern.compile("(?i).*operation not permitted.*"), "Operation not permitted"),
            Map.entry(Pattern.compile("(?i).*permission denied.*"), "Permission denied"),
            Map.entry(Pattern.compile("(?i).*(cannot allocate memory|out of memory|too much memory).*"), "out of memory"),
            Map.entry(Pattern.compile("(?i).*resource temporarily unavailable.*"), "Resource temporarily unavailable"),
            Map.entry(Pattern.compile("(?i).*(runAsNonRoot|non-root policy).*"), "the kubelet refuses it under runAsNonRoot"),
            Map.entry(Pattern.compile("(?i).*no such file or directory.*"), "No such file or directory"));

    private ServiceResults() {
    }

    /** The kind of failure a log line shows, in harden's words (never the line's own text), or null. */
    static String symptom(String logLine) {
        if (logLine == null) {
            return null;
        }
        for (Map.Entry<Pattern, String> s : SYMPTOMS) {
            if (s.getKey().matcher(logLine).matches()) {
                return s.getValue();
            }
        }
        return null;
    }

    /** Whether hardening broke any service: {@code harden verify} then exits 1. */
    public static boolean broken(List<ServiceResult> results) {
        return results.stream().anyMatch(r -> r.outcome() == ServiceResult.Outcome.BROKEN_BY_HARDENING);
    }

    /** One line per service, with the telling log line under a broken one, and a summary line. */
    public static String text(List<ServiceResult> results, String engine) {
        StringBuilder out = new StringBuilder();
        for (ServiceResult r : results) {
            // Names come from manifests and log lines from containers: shown, never obeyed by the terminal.
            out.append(Terminal.escape(r.file())).append(": ").append(Terminal.escape(r.service()));
            if (r.image() != null) {
                out.append(" (").append(Terminal.escape(r.image())).append(')');
            }
            out.append(": ").append(r.outcome().label());
            if (!r.culprits().isEmpty()) {
                out.append(" [").append(Terminal.escape(String.join(", ", r.culprits()))).append(']');
            }
            out.append('\n').append("    ").append(Terminal.escape(r.reason())).append('\n');
            if (r.logLine() != null) {
                out.append(r.repair() == null ? "    log: " : "    log of the first hardening: ").append(Terminal.escape(r.logLine()))
                        .append('\n');
            }
        }
        out.append(summary(results)).append(engine == null ? "" : " on " + engine).append('\n');
        return out.toString();
    }

    /** Counts per outcome in one line. */
    public static String summary(List<ServiceResult> results) {
        Map<ServiceResult.Outcome, Integer> counts = counts(results);
        return results.size() + (results.size() == 1 ? " service: " : " services: ")
                + counts.get(ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER) + " run before and after, "
                + (counts.get(ServiceResult.Outcome.REPAIRED) == 0 ? "" : counts.get(ServiceResult.Outcome.REPAIRED) + " repaired, ")
                + counts.get(ServiceResult.Outcome.BROKEN_BY_HARDENING) + " broken by hardening, "
                + counts.get(ServiceResult.Outcome.BROKEN_BEFORE) + " broken before, "
                + counts.get(ServiceResult.Outcome.CANNOT_TELL) + " cannot tell";
    }

    private static Map<ServiceResult.Outcome, Integer> counts(List<ServiceResult> results) {
        Map<ServiceResult.Outcome, Integer> counts = new LinkedHashMap<>();
        for (ServiceResult.Outcome o : ServiceResult.Outcome.values()) {
            counts.put(o, 0);
        }
        results.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        return counts;
    }

    /**
     * Every field, per service, with each start's level and detail. Container log lines stay out:
     * {@code logLine} is the one telling line, masked and bounded.
     */
    public static String json(List<ServiceResult> results, String engine, String profile, String version) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "harden");
        root.put("version", version);
        root.put("profile", profile);
        root.put("engine", engine);
        Map<String, Object> summary = new LinkedHashMap<>();
        // "repaired" only when there is one: a run without repairs reads as it always did
        counts(results).forEach((o, n) -> {
            if (o != ServiceResult.Outcome.REPAIRED || n > 0) {
                summary.put(o.id(), n);
            }
        });
        root.put("summary", summary);
        List<Object> services = new ArrayList<>();
        for (ServiceResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", r.file());
            m.put("service", r.service());
            m.put("image", r.image());
            m.put("imageId", r.imageId());
            m.put("outcome", r.outcome().id());
            m.put("reason", r.reason());
            m.put("changes", r.changes());
            m.put("culprits", r.culprits());
            m.put("logLine", r.logLine());
            m.put("before", trial(r.before()));
            m.put("after", trial(r.after()));
            if (r.repair() != null) {
                Map<String, Object> repair = new LinkedHashMap<>();
                repair.put("steps", r.repair().steps());
                repair.put("facts", r.repair().facts());
                m.put("repair", repair);
            }
            services.add(m);
        }
        root.put("services", services);
        return Json.write(root);
    }

    private static Object trial(Trial t) {
        if (t == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", t.level().label());
        m.put("detail", t.detail());
        return m;
    }

    /**
     * A section for a pull request body: what was started, what broke, what was repaired and how, and
     * which changes were left out. A public body quotes nothing a container wrote: each left-out change names the kind of
     * failure its log line shows, in words of harden's own ({@link #symptom}).
     */
    public static String markdown(List<ServiceResult> results, List<LeftOut> dropped, String engine) {
        List<ServiceResult> repaired = results.stream().filter(r -> r.repair() != null).toList();
        StringBuilder md = new StringBuilder("### Verified on a Docker engine\n\n");
        if (engine != null) {
            // the engine's version only: where it listens (a socket path, an internal host) is not for a public page
            md.append("Each service was started before and after hardening on ").append(engine.replaceFirst(" at .*$", ""))
                    .append(".\n\n");
        }
        md.append("| service | image | result |\n|---|---|---|\n");
        for (ServiceResult r : results) {
            md.append("| ").append(r.service()).append(" | ").append(r.image() == null ? "-" : "`" + r.image() + "`")
                    .append(" | ").append(r.outcome().label())
                    .append(r.culprits().isEmpty() ? "" : ": " + String.join(", ", r.culprits())).append(" |\n");
        }
        if (!repaired.isEmpty()) {
            // what it took is what the change itself writes; the facts' provenance may name where the engine listens
            md.append("\nRepaired: hardened as first written they did not start; hardened again with facts harden learned"
                    + " from the original on the engine (source: learned), they do:\n\n");
            for (ServiceResult r : repaired) {
                md.append("- `").append(r.service()).append("`: ").append(r.repair().summary()).append('\n');
            }
        }
        if (!dropped.isEmpty()) {
            md.append("\nLeft out because they stopped a service from starting:\n\n");
            for (LeftOut d : dropped) {
                md.append("- `").append(d.service()).append("`: ").append(String.join(", ", d.rules()));
                String symptom = symptom(d.logLine());
                md.append(symptom == null ? " (run `harden verify` locally to see its log)" : " (its log reports: " + symptom + ")");
                md.append('\n');
            }
        }
        return md.toString();
    }
}
