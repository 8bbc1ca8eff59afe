package dev.gpusr.engine;

/**
 * The device could not allocate what one tile needs. Not fatal: the context stays usable, and {@link ShrinkingTiles}
 * retries the same image with tiles half the size.
 */
public class DeviceOutOfMemoryException extends RuntimeException {
    public DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
