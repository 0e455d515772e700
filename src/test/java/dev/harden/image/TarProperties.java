package dev.harden.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** A layer from a registry is untrusted: any bytes end in entries or an IOException, never another failure or a hang. */
class TarProperties {
    @Property(tries = 300)
    void anyBytesAreReadOrRefusedAsNotATarLayer(@ForAll @Size(max = 4096) byte[] bytes) {
        byte[] framed = bytes.clone();
        if (framed.length >= 512) {
            // make some inputs pass the checksum, so the parser's deeper paths run too
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += i >= 148 && i < 156 ? ' ' : framed[i] & 0xff;
            }
            byte[] octal = String.format("%06o\0 ", sum).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(octal, 0, framed, 148, 8);
        }
        try {
            ImageFiles files = new ImageFiles();
            files.apply(new ByteArrayInputStream(framed), p -> true);
        } catch (IOException e) {
            // refused: fine
        }
    }
}
