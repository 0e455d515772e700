package dev.harden.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** The images of the local Docker engine, as harden reads them: its inspect answer and its saved image. */
public interface LocalImages {
    /**
     * The engine's inspect answer for an image ({@code GET /images/NAME/json}).
     *
     * @return empty when the engine does not have the image
     * @throws IOException when the engine does not answer
     */
    Optional<byte[]> inspect(String image) throws IOException;

    /** The image as {@code docker save} writes it ({@code GET /images/NAME/get}), streamed; the caller closes it. */
    InputStream save(String image) throws IOException;

    /** Where the engine is, for messages. */
    String where();
}
