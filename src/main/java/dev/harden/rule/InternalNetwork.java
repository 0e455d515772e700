package dev.harden.rule;

import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Services that publish no ports belong on a network with no route out; harden moves only the ones
 * whose image it knows to be a server (a database, a cache), since others may need outbound access.
 * Reachability between
 * services is kept: on Compose's default network the services that publish nothing move to an
 * internal network and the ones that publish ports join it too; a user-defined network whose
 * members all publish nothing is marked internal in place.
 */
final class InternalNetwork {
    private InternalNetwork() {
    }

    static void check(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        if (s.get("network_mode").isPresent() || !s.publishedPorts().isEmpty() || s.isFragment()) {
            return;
        }
        List<String> networks = networksOf(s);
        ComposeFile file = c.file();
        if (!networks.isEmpty() && networks.stream().allMatch(n -> isInternal(file, n))) {
            return;
        }
        if (!c.facts().known() || c.facts().ports().isEmpty()) {
            // internal networks have no route out; only images known to serve (databases, caches) surely need none
            String image = c.image().map(r -> r.name()).orElse("its image");
            c.open(s.location(), "publishes no ports but has a route out; harden cannot tell whether " + image
                    + " needs outbound access, so it is left on its network (move it to an internal network by hand)", false);
            return;
        }
        if (networks.isEmpty()) {
            checkOnDefaultNetwork(c);
            return;
        }
        for (String name : networks) {
            if (isInternal(file, name)) {
                continue;
            }
            Optional<Mapping> definition = definition(file, name);
            boolean external = definition.flatMap(d -> d.get("external")).filter(InternalNetwork::isTrue).isPresent();
            boolean mixed = file.services().stream()
                    .anyMatch(o -> networksOf(o).contains(name) && !o.publishedPorts().isEmpty());
            String message = "publishes no ports but is on network '" + name + "', which has a route out";
            if (external || mixed || name.equals("default")) {
                c.open(s.location(), message + (external ? " (external: change it where it is defined)"
                        : " (shared with services that publish ports: split it by hand)"), false);
                continue;
            }
            c.fix(s.location(), message, () -> {
                Mapping def = c.editor().mappingAt(c.editor().mappingAt(file.root(), "networks"), name);
                c.putIn(def, "internal", Scalar.bool(true));
                return "marked network '" + name + "' internal: its services publish no ports (they lose outbound internet access; exempt one that needs it)";
            });
        }
    }

    private static void checkOnDefaultNetwork(ServiceCheck c) throws YamlException {
        ComposeFile file = c.file();
        String internal = c.setting().param("name");
        String message = "publishes no ports but sits on the default network, which has a route out";
        boolean othersUseDefaultExplicitly = file.services().stream().anyMatch(o -> networksOf(o).contains("default"));
        Optional<Mapping> existing = definition(file, internal);
        if (othersUseDefaultExplicitly || existing.isPresent() && !isInternal(file, internal)) {
            c.open(c.service().location(), message + (othersUseDefaultExplicitly
                    ? " (other services name the default network explicitly: split it by hand)"
                    : " (a network named '" + internal + "' exists and is not internal)"), false);
            return;
        }
        c.fix(c.service().location(), message, () -> {
            Mapping networks = c.editor().mappingAt(file.root(), "networks");
            if (networks.get(internal).isEmpty()) {
                Mapping def = c.editor().mappingAt(networks, internal);
                c.putIn(def, "internal", Scalar.bool(true));
            }
            c.putOwn("networks", Sequence.block().with(Scalar.string(internal)));
            List<String> joined = new ArrayList<>();
            for (ComposeService other : file.services()) {
                boolean onDefault = other.get("network_mode").isEmpty() && networksOf(other).isEmpty() && !other.isFragment();
                if (onDefault && !other.publishedPorts().isEmpty()) {
                    Mapping own = c.editor().mappingAt(file.servicesMapping(), other.name());
                    c.putIn(own, "networks", Sequence.block().with(Scalar.string("default")).with(Scalar.string(internal)));
                    joined.add(other.name());
                }
            }
            return "moved to internal network '" + internal + "' (no outbound internet access; exempt it if it needs some)"
                    + (joined.isEmpty() ? "" : "; " + String.join(", ", joined) + " joined it to keep reaching it");
        });
    }

    /** Network names a service is attached to (list or mapping form); empty means the default network. */
    static List<String> networksOf(ComposeService s) {
        List<String> names = new ArrayList<>();
        Optional<Node> n = s.get("networks");
        if (n.isPresent() && n.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar sc) {
                    names.add(sc.value());
                }
            }
        } else if (n.isPresent() && n.get() instanceof Mapping m) {
            for (Mapping.Entry e : m.entries()) {
                if (e.keyText() != null) {
                    names.add(e.keyText());
                }
            }
        }
        return names;
    }

    private static Optional<Mapping> definition(ComposeFile file, String name) {
        return file.root().get("networks").filter(n -> n instanceof Mapping)
                .flatMap(n -> ((Mapping) n).lookup(name)).map(f -> f.value().resolve())
                .map(v -> v instanceof Mapping m ? m : null);
    }

    private static boolean isInternal(ComposeFile file, String name) {
        return definition(file, name).flatMap(d -> d.lookup("internal")).map(f -> f.value().resolve())
                .filter(InternalNetwork::isTrue).isPresent();
    }

    private static boolean isTrue(Node n) {
        return n instanceof Scalar s && s.value().equalsIgnoreCase("true");
    }
}
