package dev.gpusr.image;

import java.io.IOException;

/** An image that cannot be read or written; the message is one line saying why (the caller adds the file name). */
public class ImageException extends IOException {
    public ImageException(String reason) {
        super(reason);
    }

    public ImageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
