package dev.harden.yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The YAML data files shipped inside harden, read as {@link Plain} values from a form compiled at build time.
 *
 * <p>Why: parsing the shipped rules, profiles and image knowledge with a parser that has not warmed up
 * took a short run longer than all of its own work. The build runs {@code dev.harden.build.ShippedDataCompiler}
 * on the compiled classes, which writes next to each shipped {@code x.yaml} an {@code x.yaml.plain}:
 * {@link #MAGIC}, the CRC-32 and length of the YAML, then its first document's plain values, each a
 * tag byte and its data (big-endian, as {@code DataOutputStream} writes): {@code N} null, {@code T}
 * true, {@code F} false, {@code J} a long, {@code D} a double, {@code S} a string (length, UTF-8),
 * {@code L} a list (size, items), {@code M} a map (size, then string key and value for each entry).
 * {@link #read} trusts that form only when both still match the YAML beside it and otherwise parses
 * the YAML, so a missing or stale compiled file costs time, never a different answer.
 */
public final class ShippedData {
    /** What the compiled form's file name adds to the YAML file's. */
    public static final String SUFFIX = ".plain";
    /** The compiled form's first four bytes: "HPD1". */
    public static final int MAGIC = 0x48504431;

    private ShippedData() {
    }

    /**
     * The first document of a YAML resource as plain values (null when it has none).
     *
     * @param resource an absolute resource name such as {@code /dev/harden/rules.yaml}
     * @throws IOException when the resource is missing or unreadable
     */
    public static Object read(Class<?> owner, String resource) throws IOException, YamlException {
        return read(name -> bytes(owner, name), resource);
    }

    /** Reads resources by name: their bytes, or null when there is none. */
    interface Resources {
        byte[] bytes(String name) throws IOException;
    }

    static Object read(Resources resources, String resource) throws IOException, YamlException {
        byte[] yaml = resources.bytes(resource);
        if (yaml == null) {
            throw new IOException("missing resource " + resource);
        }
        byte[] compiled = resources.bytes(resource + SUFFIX);
        if (compiled != null) {
            Object value = decode(compiled, yaml);
            if (value != Stale.VALUE) {
                return value;
            }
        }
        return Plain.firstDocument(yaml);
    }

    /** The values in a compiled form, or {@link Stale#VALUE} when it was not made from this YAML. */
    static Object decode(byte[] compiled, byte[] yaml) {
        ByteBuffer in = ByteBuffer.wrap(compiled);
        try {
            if (in.getInt() != MAGIC || in.getInt() != crc(yaml) || in.getInt() != yaml.length) {
                return Stale.VALUE;
            }
            Object value = read(in);
            return in.hasRemaining() ? Stale.VALUE : value;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return Stale.VALUE;
        }
    }

    /** The answer of {@link #decode} for a compiled form that does not belong to the YAML. */
    enum Stale { VALUE }

    private static Object read(ByteBuffer in) {
        byte tag = in.get();
        switch (tag) {
            case 'N':
                return null;
            case 'T':
                return Boolean.TRUE;
            case 'F':
                return Boolean.FALSE;
            case 'J':
                return in.getLong();
            case 'D':
                return in.getDouble();
            case 'S':
                return readString(in);
            case 'L': {
                int size = size(in);
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(read(in));
                }
                return list;
            }
            case 'M': {
                int size = size(in);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    String key = readString(in);
                    map.put(key, read(in));
                }
                return map;
            }
            default:
                throw new IllegalArgumentException("unknown tag " + tag);
        }
    }

    private static String readString(ByteBuffer in) {
        int length = size(in);
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static int size(ByteBuffer in) {
        int size = in.getInt();
        if (size < 0 || size > in.remaining()) {
            throw new IllegalArgumentException("bad size " + size);
        }
        return size;
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static byte[] bytes(Class<?> owner, String resource) throws IOException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
