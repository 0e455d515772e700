package dev.harden.rule;

import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Quantities;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** resource-limits: CPU and memory limited (and reserved), never below what a JVM's own heap setting needs. */
final class ResourceLimits extends Rule<ResourceLimits.Params>
        implements ComposeRule<ResourceLimits.Params>, KubernetesRule<ResourceLimits.Params> {

    /**
     * The profile's values; an empty Kubernetes value is not added.
     *
     * @param cpus Compose's CPU limit
     * @param memory Compose's memory limit
     * @param memoryReservation Compose's memory reservation
     * @param cpuRequest Kubernetes' cpu request
     * @param cpuLimit Kubernetes' cpu limit
     * @param memoryRequest Kubernetes' memory request
     * @param memoryLimit Kubernetes' memory limit
     * @param ephemeralStorageRequest Kubernetes' ephemeral-storage request
     * @param ephemeralStorageLimit Kubernetes' ephemeral-storage limit
     */
    record Params(String cpus, String memory, String memoryReservation, String cpuRequest, String cpuLimit,
                  String memoryRequest, String memoryLimit, String ephemeralStorageRequest, String ephemeralStorageLimit) { }

    /** One resource to bound: its key in requests and limits and the profile's values. */
    private record Bound(String resource, String request, String limit) { }

    ResourceLimits() {
        super("resource-limits");
    }

    @Override
    Params params(RuleSetting s) {
        return new Params(s.param("cpus"), s.param("memory"), s.param("memoryReservation"), s.param("cpuRequest"),
                s.param("cpuLimit"), s.param("memoryRequest"), s.param("memoryLimit"), s.param("ephemeralStorageRequest"),
                s.param("ephemeralStorageLimit"));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.OUT_OF_MEMORY, 1));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        boolean legacy = c.file().legacyFormat();
        Optional<Mapping> deploy = s.get("deploy").filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
        Optional<Mapping> resources = deploy.flatMap(d -> Lookup.lookupMapping(d, "resources"));
        Optional<Mapping> limits = resources.flatMap(r -> Lookup.lookupMapping(r, "limits"));
        Optional<Mapping> reservations = resources.flatMap(r -> Lookup.lookupMapping(r, "reservations"));
        boolean hasMemory = s.get("mem_limit").isPresent() || limits.flatMap(l -> l.lookup("memory")).isPresent();
        boolean hasCpus = s.get("cpus").isPresent() || s.get("cpu_quota").isPresent()
                || limits.flatMap(l -> l.lookup("cpus")).isPresent();
        String profileMemory = p.memory();
        Optional<JvmHeap.Need> heap = JvmHeap.of(JvmHeap.settings(s), c.facts());
        if (heap.isPresent()) {
            Long set = Quantities.bytes(s.value("mem_limit"));
            if (set == null) {
                set = limits.flatMap(l -> l.lookup("memory")).map(f -> f.value().resolve())
                        .filter(n -> n instanceof Scalar).map(n -> Quantities.bytes(((Scalar) n).value())).orElse(null);
            }
            if (set != null && set < heap.get().minimum()) {
                c.open(s.location(), "has a memory limit that leaves less than 64 MiB beyond its own " + heap.get().named()
                        + ": the JVM needs more than its heap and will be killed when the heap fills (about "
                        + heap.get().limitMi() + "M leaves it room)", false);
            }
        }
        Long profileBytes = Quantities.bytes(profileMemory);
        String memory = heap.isPresent() && profileBytes != null && profileBytes < heap.get().limit()
                ? heap.get().limitMi() + "M" : profileMemory;
        String reservation = p.memoryReservation();
        String cpus = p.cpus();
        Long limitBytes = Quantities.bytes(c.value("mem_limit"));
        if (limitBytes == null) {
            limitBytes = limits.flatMap(l -> l.lookup("memory")).map(f -> f.value().resolve())
                    .filter(n -> n instanceof Scalar).map(n -> Quantities.bytes(c.value((Scalar) n))).orElse(null);
        }
        Long effectiveLimit = hasMemory ? limitBytes : Quantities.bytes(memory);
        boolean hasReservation = s.get("mem_reservation").isPresent()
                || reservations.flatMap(r -> r.lookup("memory")).isPresent();
        Long reservationBytes = Quantities.bytes(reservation);
        // a reservation above the limit makes the engine refuse the container
        boolean needsReservation = !hasReservation && !reservation.isBlank() && reservationBytes != null
                && (effectiveLimit == null ? !hasMemory : reservationBytes <= effectiveLimit);
        if (hasMemory && hasCpus && !needsReservation) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!hasCpus) {
            missing.add("CPU limit");
        }
        if (!hasMemory) {
            missing.add("memory limit");
        }
        if (needsReservation) {
            missing.add("memory reservation");
        }
        String what = missing.size() == 1 ? missing.get(0)
                : String.join(", ", missing.subList(0, missing.size() - 1)) + " or " + missing.get(missing.size() - 1);
        c.fix(s.location(), "has no " + what, () -> {
            List<String> done = new ArrayList<>();
            if (legacy) {
                Mapping own = c.editable();
                if (!hasCpus) {
                    c.fill(own, "cpus", Scalar.string(cpus));
                    done.add("cpus: " + cpus);
                }
                if (!hasMemory) {
                    c.fill(own, "mem_limit", Scalar.string(memory));
                    done.add("mem_limit: " + memory);
                }
                if (needsReservation) {
                    c.fill(own, "mem_reservation", Scalar.string(reservation));
                    done.add("mem_reservation: " + reservation);
                }
            } else {
                Mapping res = c.editableIn(c.editableChild("deploy"), "resources");
                if (!hasCpus || !hasMemory) {
                    Mapping lim = c.editableIn(res, "limits");
                    if (!hasCpus) {
                        c.fill(lim, "cpus", Scalar.string(cpus));
                        done.add("cpus " + cpus);
                    }
                    if (!hasMemory) {
                        c.fill(lim, "memory", Scalar.string(memory));
                        done.add("memory " + memory);
                    }
                }
                if (needsReservation) {
                    c.fill(c.editableIn(res, "reservations"), "memory", Scalar.string(reservation));
                    done.add("reserved memory " + reservation);
                }
            }
            return "limited " + String.join(", ", done) + (heap.isPresent() && !hasMemory
                    ? " (the memory limit leaves room for its " + heap.get().named() + " and the JVM's own memory)" : "")
                    + " (tune these to the service)";
        });
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        List<Bound> bounds = List.of(new Bound("cpu", p.cpuRequest(), p.cpuLimit()),
                new Bound("memory", p.memoryRequest(), p.memoryLimit()),
                new Bound("ephemeral-storage", p.ephemeralStorageRequest(), p.ephemeralStorageLimit()));
        for (Workload.Container k : c.containers()) {
            if (k.field().equals("ephemeralContainers")) {
                continue;
            }
            Optional<Mapping> requests = Lookup.mapping(k.mapping(), "resources", "requests");
            Optional<Mapping> limits = Lookup.mapping(k.mapping(), "resources", "limits");
            List<String[]> addRequests = new ArrayList<>();
            List<String[]> addLimits = new ArrayList<>();
            Optional<JvmHeap.Need> heap = JvmHeap.of(JvmHeap.settings(k), c.facts(k));
            for (Bound b : bounds) {
                Optional<Scalar> req = requests.flatMap(m -> Lookup.scalar(m, b.resource()));
                Optional<Scalar> lim = limits.flatMap(m -> Lookup.scalar(m, b.resource()));
                String limit = lim.map(Scalar::value).orElse(null);
                String profileLimit = b.limit();
                if (b.resource().equals("memory") && heap.isPresent()) {
                    String need = heap.get().limitMi() + "Mi";
                    if (lim.isPresent() && larger(heap.get().minimum() / (1L << 20) + "Mi", lim.get().value())) {
                        c.open(lim.get(), c.subject(k), "has a memory limit of " + lim.get().value() + ", which leaves less"
                                + " than 64 MiB beyond its own " + heap.get().named() + ": the JVM needs more than its heap and"
                                + " will be killed when the heap fills (about " + need + " leaves it room)", false);
                    }
                    if (!profileLimit.isBlank() && larger(need, profileLimit)) {
                        profileLimit = need;
                    }
                }
                if (lim.isEmpty() && !profileLimit.isBlank()) {
                    limit = req.isPresent() && larger(req.get().value(), profileLimit) ? req.get().value() : profileLimit;
                    addLimits.add(new String[] {b.resource(), limit});
                }
                if (req.isEmpty() && !b.request().isBlank()) {
                    String request = limit != null && larger(b.request(), limit) ? limit : b.request();
                    addRequests.add(new String[] {b.resource(), request});
                }
            }
            if (addRequests.isEmpty() && addLimits.isEmpty()) {
                continue;
            }
            List<String> missing = new ArrayList<>();
            addRequests.forEach(r -> missing.add(r[0] + " request"));
            addLimits.forEach(l -> missing.add(l[0] + " limit"));
            c.fix(k.mapping(), c.subject(k), "has no " + String.join(", ", missing), () -> {
                Mapping resources = c.editableIn(k.mapping(), "resources");
                List<String> done = new ArrayList<>();
                if (!addRequests.isEmpty()) {
                    Mapping m = c.editableIn(resources, "requests");
                    for (String[] r : addRequests) {
                        c.set(m, r[0], Scalar.string(r[1]));
                        done.add(r[0] + " " + r[1]);
                    }
                }
                if (!addLimits.isEmpty()) {
                    Mapping m = c.editableIn(resources, "limits");
                    for (String[] l : addLimits) {
                        c.set(m, l[0], Scalar.string(l[1]));
                        done.add(l[0] + " limit " + l[1]);
                    }
                }
                return "requested " + String.join(", ", done) + (heap.isPresent() && heap.get().source() != null
                        && addLimits.stream().anyMatch(l -> l[0].equals("memory"))
                        ? " (the memory limit leaves room for its " + heap.get().named() + " and the JVM's own memory)" : "")
                        + " (tune these to the workload)";
            });
        }
    }

    /** Whether quantity {@code a} is larger than {@code b}; false when either cannot be read. */
    private static boolean larger(String a, String b) {
        java.math.BigDecimal x = Quantities.kubernetes(a);
        java.math.BigDecimal y = Quantities.kubernetes(b);
        return x != null && y != null && x.compareTo(y) > 0;
    }
}
