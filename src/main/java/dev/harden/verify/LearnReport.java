package dev.harden.verify;

import dev.harden.image.ImageFacts;
import dev.harden.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code harden learn} prints: the learned facts as text or JSON, with every start it made. */
public final class LearnReport {
    private LearnReport() {
    }

    /** The result in a few lines: what it needs, each fact once. */
    public static String text(LearnSession.Result r) {
        StringBuilder out = new StringBuilder();
        out.append("harden learn: ").append(r.subject()).append(" (image ").append(r.image()).append(", ").append(r.digest())
                .append(") on ").append(r.engine()).append('\n');
        LearnSession.Step ref = r.reference();
        out.append("the service as written: ").append(ref.level()).append(" (").append(ref.detail()).append(")\n");
        ImageFacts f = r.facts();
        if (f == null) {
            out.append("nothing learned: the service as written does not run").append(ref.logLine() == null ? "" : ": " + ref.logLine())
                    .append('\n');
            return out.toString();
        }
        int works = (int) r.trials().stream().filter(LearnSession.Step::works).count();
        out.append("learned in ").append(r.trials().size()).append(" trial").append(r.trials().size() == 1 ? "" : "s")
                .append(" (").append(works).append(" ran as well as the original):\n");
        out.append("  user: ").append(f.startsAsRoot() ? "starts as root" : "runs as uid " + f.runsAs())
                .append(f.dropsPrivileges() ? ", steps down by itself" : "")
                .append(f.nonRootUid() != null && f.startsAsRoot() ? "; runs as " + f.nonRootUid() + " from the start" : "").append('\n');
        out.append("  capabilities: drop ALL").append(f.rootCapabilities().isEmpty() ? ", add nothing back"
                : ", add back " + String.join(", ", f.rootCapabilities())).append('\n');
        out.append("  no-new-privileges: ").append(f.noNewPrivileges() ? "yes" : "no: it did not run with it").append('\n');
        out.append("  read-only root: ").append(f.readOnlyRootFilesystem() ? "yes" + (f.writablePaths().isEmpty() ? ""
                : ", with tmpfs at " + String.join(", ", f.writablePaths())) : "no" + (f.notes() == null ? "" : ": " + f.notes()))
                .append('\n');
        if (!f.dataPaths().isEmpty()) {
            out.append("  volumes: ").append(String.join(", ", f.dataPaths())).append('\n');
        }
        if (!f.ports().isEmpty()) {
            out.append("  ports: ").append(String.join(", ", f.ports().stream().map(String::valueOf).toList())).append('\n');
        }
        return out.toString();
    }

    /** The result as one JSON document: the facts in the form the lock file keeps them, and every start. */
    public static String json(LearnSession.Result r, List<String> recorded) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", r.subject());
        m.put("image", r.image());
        m.put("digest", r.digest());
        m.put("engine", r.engine());
        m.put("learned", r.facts() != null);
        m.put("reference", step(r.reference()));
        List<Object> trials = new ArrayList<>();
        r.trials().forEach(t -> trials.add(step(t)));
        m.put("trials", trials);
        m.put("facts", r.facts() == null ? null : facts(r.facts()));
        m.put("recorded", recorded);
        return Json.write(m);
    }

    private static Map<String, Object> step(LearnSession.Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("variant", s.variant());
        m.put("works", s.works());
        m.put("level", s.level());
        m.put("detail", s.detail());
        m.put("logLine", s.logLine());
        return m;
    }

    private static Map<String, Object> facts(ImageFacts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("runsAs", f.runsAs());
        m.put("dropsPrivileges", f.dropsPrivileges());
        m.put("nonRootUid", f.nonRootUid());
        m.put("rootCapabilities", f.rootCapabilities());
        m.put("writablePaths", f.writablePaths());
        m.put("dataPaths", f.dataPaths());
        m.put("readOnlyRootFilesystem", f.readOnlyRootFilesystem());
        m.put("noNewPrivileges", f.noNewPrivileges());
        m.put("ports", f.ports().stream().map(Integer::longValue).toList());
        m.put("evidence", f.evidence());
        m.put("sources", f.sources());
        m.put("notes", f.notes());
        return m;
    }
}
