package dev.harden.build;

import dev.harden.yaml.Plain;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The build step that compiles each shipped YAML data file into the binary form {@link ShippedData}
 * reads at run time (the format is described there); run from the pom, never by harden itself.
 */
public final class ShippedDataCompiler {
    private ShippedDataCompiler() {
    }

    /**
     * Writes the compiled form next to each named YAML file.
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
                Files.write(file.resolveSibling(file.getFileName() + ShippedData.SUFFIX), compile(Files.readAllBytes(file)));
            }
        }
    }

    /** The compiled form of a YAML file. */
    public static byte[] compile(byte[] yaml) throws YamlException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(yaml.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(ShippedData.MAGIC);
            out.writeInt(crc(yaml));
            out.writeInt(yaml.length);
            write(out, Plain.firstDocument(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

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

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
