package dev.harden.yaml;

/** An alias ({@code *name}) and the anchored node it stands for. */
public final class Alias extends Node {
    final String name;
    final Node target;

    Alias(String name, Node target) {
        this.name = name;
        this.target = target;
    }

    public String name() {
        return name;
    }

    public Node target() {
        return target;
    }

    @Override
    public Node resolve() {
        return target.resolve();
    }

    @Override
    public String toString() {
        return "*" + name;
    }
}
