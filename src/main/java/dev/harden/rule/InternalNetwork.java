package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * internal-network: servers that publish no ports belong on a network with no route out. harden moves only services
 * whose image it knows to be a server (a database, a cache), since others may need outbound access,
 * and it never cuts a connection: on Compose's default network the servers move to an internal
 * network and every other service on the default network joins it too; a user-defined network is
 * marked internal in place only when all its members are such servers.
 */
final class InternalNetwork extends Rule<InternalNetwork.Params> implements ComposeRule<InternalNetwork.Params> {

    /** @param name the internal network servers on Compose's default network move to */
    record Params(String name) { }

    InternalNetwork() {
        super("internal-network");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(setting.param("name"));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        if (s.get("network_mode").isPresent() || !s.publishedPorts().isEmpty() || s.isFragment()) {
            return;
        }
        List<String> networks = networksOf(s);
        ComposeFile file = c.file();
        if (!networks.isEmpty() && networks.stream().allMatch(n -> isInternal(file, n))) {
            return;
        }
        if (!isServer(c.facts())) {
            // internal networks have no route out; only images known to serve surely need none
            String image = c.image().map(r -> r.name()).orElse("its image");
            c.open(s.location(), "publishes no ports but has a route out; harden cannot tell whether " + image
                    + " needs outbound access, so it is left on its network (move it to an internal network by hand)", false);
            return;
        }
        if (networks.isEmpty()) {
            checkOnDefaultNetwork(c, p.name());
            return;
        }
        for (String name : networks) {
            if (!isInternal(file, name)) {
                checkUserNetwork(c, name);
            }
        }
    }

    /** A user-defined network becomes internal when every member is a server that publishes nothing. */
    private static void checkUserNetwork(ServiceCheck c, String name) throws YamlException {
        ComposeFile file = c.file();
        String message = "publishes no ports but is on network '" + name + "', which has a route out";
        Optional<Mapping> definition = definition(file, name);
        boolean external = definition.flatMap(d -> d.get("external")).filter(InternalNetwork::isTrue).isPresent();
        if (external || name.equals("default")) {
            c.open(c.service().location(), message + (external ? " (external: change it where it is defined)"
                    : " (shared with the default network: split it by hand)"), false);
            return;
        }
        List<String> others = new ArrayList<>();
        for (ComposeService o : file.services()) {
            if (networksOf(o).contains(name) && !movable(c, o)) {
                others.add(o.name());
            }
        }
        if (!others.isEmpty()) {
            c.open(c.service().location(), message + " (also used by " + String.join(", ", others)
                    + ", which harden cannot move off it: split it by hand)", false);
            return;
        }
        c.fix(c.service().location(), message, () -> {
            Mapping def = c.editor().mappingAt(c.editor().mappingAt(file.root(), "networks"), name);
            c.fill(def, "internal", Scalar.bool(true));
            return "marked network '" + name + "' internal: all its services are servers that publish no ports";
        });
    }

    /**
     * Splits Compose's default network in one step: every server on it moves to the internal network,
     * and every other service on it joins the internal network as well, so no pair loses its path.
     */
    private static void checkOnDefaultNetwork(ServiceCheck c, String internal) throws YamlException {
        ComposeFile file = c.file();
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
                c.fill(c.editor().mappingAt(networks, internal), "internal", Scalar.bool(true));
            }
            List<String> moved = new ArrayList<>();
            List<String> joined = new ArrayList<>();
            for (ComposeService o : file.services()) {
                if (o.isFragment() || o.get("network_mode").isPresent() || !networksOf(o).isEmpty()) {
                    continue;
                }
                Mapping own = c.editor().mappingAt(file.servicesMapping(), o.name());
                if (movable(c, o)) {
                    c.fill(own, "networks", Sequence.block().with(Scalar.string(internal)));
                    moved.add(o.name());
                } else {
                    c.fill(own, "networks", Sequence.block().with(Scalar.string("default")).with(Scalar.string(internal)));
                    joined.add(o.name());
                }
            }
            return "moved " + String.join(", ", moved) + " to internal network '" + internal
                    + "' (no outbound internet access; exempt a service that needs some)"
                    + (joined.isEmpty() ? "" : "; " + String.join(", ", joined) + " joined it to keep reaching them");
        });
    }

    /** A service harden may take off every network with a route out. */
    private static boolean movable(ServiceCheck c, ComposeService o) {
        return !o.isFragment() && o.get("network_mode").isEmpty() && o.publishedPorts().isEmpty()
                && isServer(c.factsOf(o)) && !c.exempted(o);
    }

    /** An image known to listen on ports: a database, a cache, a broker. */
    private static boolean isServer(ImageFacts facts) {
        return facts.known() && !facts.ports().isEmpty();
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
