package dev.gpusr.cuda;

import java.nio.ByteBuffer;
import jcuda.Pointer;

/**
 * Page-locked staging that only grows (as {@link DeviceBuffer} on the device): sized for the largest image seen. The
 * caller makes sure no queued copy still reads or writes the block before it grows or closes.
 */
final class PinnedBuffer implements AutoCloseable {
    private final String what;
    private HostTransfers.PinnedBlock block;

    PinnedBuffer(String what) {
        this.what = what;
    }

    /** Makes room for at least {@code bytes}; a failed growth leaves nothing allocated (never a freed block). */
    void ensure(long bytes) {
        if (block != null && block.bytes >= bytes) return;
        HostTransfers.PinnedBlock old = block;
        block = null;
        if (old != null) old.free();
        block = HostTransfers.PinnedBlock.allocate(Math.max(bytes, 1), what);
    }

    ByteBuffer buffer() {
        return allocated().buffer;
    }

    Pointer pointer() {
        return allocated().pointer;
    }

    private HostTransfers.PinnedBlock allocated() {
        if (block == null) throw new IllegalStateException(what + " is not allocated");
        return block;
    }

    @Override
    public void close() {
        HostTransfers.PinnedBlock b = block;
        block = null;
        if (b != null) b.free();
    }
}
