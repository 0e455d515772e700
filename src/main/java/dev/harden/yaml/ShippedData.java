package dev.harden.yaml;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The YAML data files shipped inside harden, read as {@link Plain} values from a form compiled at build time.
 *
 * <p>Why: parsing the shipped rules, profiles and image knowledge with a parser that has not warmed up
 * took a short run longer than all of its own work. The build runs {@link #main} on the compiled
 * classes, which writes next to each shipped {@code x.yaml} an {@code x.yaml.plain}: the CRC-32 and
 * length of the YAML, then its first document's plain values. {@link #read} trusts that form only
 * when both still match the YAML beside it and otherwise parses the YAML, so a missing or stale
 * compiled file costs time, never a different answer.
 */
public final class ShippedData {
    static final String SUFFIX = ".plain";
    private static final int MAGIC = 0x48504431; // "HPD1"

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

    /** The compiled form of a YAML file. */
    static byte[] compile(byte[] yaml) throws YamlException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(yaml.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(crc(yaml));
            out.writeInt(yaml.length);
            write(out, Plain.firstDocument(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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

    private static void write(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte('N');
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? 'T' : 'F');
        } else if (value instanceof Long l) {
            out.writeByte('J');
            out.writeLong(l);
        } else if (value instanceof Double d) {
            out.writeByte('D');
            out.writeDouble(d);
        } else if (value instanceof String s) {
            out.writeByte('S');
            writeString(out, s);
        } else if (value instanceof List<?> list) {
            out.writeByte('L');
            out.writeInt(list.size());
            for (Object item : list) {
                write(out, item);
            }
        } else if (value instanceof Map<?, ?> map) {
            out.writeByte('M');
            out.writeInt(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                writeString(out, (String) e.getKey());
                write(out, e.getValue());
            }
        } else {
            throw new IllegalArgumentException("not a plain value: " + value.getClass().getName());
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

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

    /**
     * The build step: writes the compiled form next to each named YAML file.
     *
     * @param args the classes folder, then files or folders (their {@code *.yaml}) relative to it
     */
    public static void main(String[] args) throws IOException, YamlException {
        Path root = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            Path named = root.resolve(args[i]);
            List<Path> files;
            if (Files.isDirectory(named)) {
                try (Stream<Path> list = Files.list(named)) {
                    files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
                }
            } else {
                files = List.of(named);
            }
            for (Path file : files) {
                Files.write(file.resolveSibling(file.getFileName() + SUFFIX), compile(Files.readAllBytes(file)));
            }
        }
    }
}
