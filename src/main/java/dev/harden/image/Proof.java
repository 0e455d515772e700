package dev.harden.image;

import java.util.Objects;

/**
 * That an entry's facts were seen to hold on a real engine: a hardened service started with them.
 *
 * @param date when, as {@code YYYY-MM-DD}
 * @param engine which engine, e.g. {@code Docker Engine 20.10.24}
 * @param image which image exactly, ideally with its id or digest
 */
public record Proof(String date, String engine, String image) {
    public Proof {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(image, "image");
        if (!date.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            throw new IllegalArgumentException("a proof's date is YYYY-MM-DD, not '" + date + "'");
        }
    }
}
