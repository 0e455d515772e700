package dev.harden.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** An engine in memory: containers behave as a function of their options says, and resources are counted. */
final class FakeEngine implements Engine {
    /** What a started container does: running or exited, and what it logged. */
    record Behaviour(boolean runs, List<String> logs) { }

    private final Set<String> images;
    private final Function<ContainerSpec, Behaviour> behaviour;
    private final Map<String, ContainerSpec> containers = new HashMap<>();
    final List<String> live = new ArrayList<>();
    final List<ContainerSpec> created = new ArrayList<>();
    int starts;

    FakeEngine(Set<String> images, Function<ContainerSpec, Behaviour> behaviour) {
        this.images = images;
        this.behaviour = behaviour;
    }

    @Override
    public String version() {
        return "Fake Engine 1.0";
    }

    @Override
    public Optional<Image> image(String image) {
        return images.contains(image) ? Optional.of(new Image("sha256:" + Integer.toHexString(image.hashCode()), ""))
                : Optional.empty();
    }

    @Override
    public String createNetwork(String name, Map<String, String> labels) {
        live.add("network " + name);
        return name;
    }

    @Override
    public void createVolume(String name, Map<String, String> options, Map<String, String> labels) {
        live.add("volume " + name);
    }

    @Override
    public String createContainer(String name, ContainerSpec spec, List<String> volumes, String network, Map<String, String> labels) {
        containers.put(name, spec);
        created.add(spec);
        live.add("container " + name);
        return name;
    }

    @Override
    public void start(String id) {
        starts++;
    }

    @Override
    public State inspect(String id) {
        Behaviour b = behaviour.apply(containers.get(id));
        return new State(b.runs(), b.runs() ? 0 : 1, false, null, null, null);
    }

    @Override
    public List<String> logs(String id, int lines) {
        return behaviour.apply(containers.get(id)).logs();
    }

    @Override
    public void removeContainer(String id) {
        live.remove("container " + id);
    }

    @Override
    public void removeVolume(String name) {
        live.remove("volume " + name);
    }

    @Override
    public void removeNetwork(String id) {
        live.remove("network " + id);
    }

    @Override
    public int removeLabelled(String label, String value) throws IOException {
        int n = live.size();
        live.clear();
        return n;
    }
}
