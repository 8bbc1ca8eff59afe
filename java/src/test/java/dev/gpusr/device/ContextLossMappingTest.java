package dev.gpusr.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gpusr.cuda.CudaException;
import dev.gpusr.engine.DeviceOutOfMemoryException;
import dev.gpusr.engine.EngineLostException;
import dev.gpusr.engine.LoggedPath;
import dev.gpusr.engine.PixelPath;
import dev.gpusr.image.Pixels;
import dev.gpusr.engine.ShrinkingTiles;
import dev.gpusr.engine.SrcnnEngine;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CUDA failure of the pixel path becomes what the batch acts on -- a lost context stops the worker, an allocation
 * failure retries with smaller tiles -- whether the overlapped path throws it while queueing or while awaiting.
 */
class ContextLossMappingTest {
    static final CudaException LOST = CudaException.of("cudaEventSynchronize", "cudaErrorIllegalAddress",
            "the CUDA context is now unusable: restart the process; if it repeats, report it with the input shape "
                    + "and `gpu-sr devices` output");
    static final CudaException OOM = CudaException.of("cudaMalloc", "cudaErrorMemoryAllocation",
            "out of GPU memory: asked for 1 GiB");
    static final CudaException OTHER = CudaException.of("cudaMemcpyAsync", "cudaErrorInvalidValue", "");

    /** Throws {@code whileQueued} from submit if set, else {@code whileAwaited} from await. */
    record Failing(RuntimeException whileQueued, RuntimeException whileAwaited) implements PixelPath {
        @Override public int scale() { return 2; }
        @Override public int minInputSide() { return 1; }
        @Override public long workingBytes(int w, int h, int c, int b) { return 0; }
        @Override public int depth() { return 2; }
        @Override public Pixels upscale(Pixels lr, int bits) { return submit(lr, bits).await(); }

        @Override
        public Pending submit(Pixels lr, int bits) {
            if (whileQueued != null) throw whileQueued;
            return () -> {
                throw whileAwaited;
            };
        }
    }

    @Test
    void failuresAreMappedWhileQueuedAndWhileAwaited() {
        Pixels lr = Pixels.allocate(4, 4, 1, 8, null);
        for (boolean queued : new boolean[] {true, false}) {
            PixelPath lost = new Engines.ContextLossMapping(queued ? new Failing(LOST, null) : new Failing(null, LOST), null);
            EngineLostException e = assertThrows(EngineLostException.class, () -> lost.submit(lr, 8).await());
            assertSame(LOST, e.getCause());
            PixelPath full = new Engines.ContextLossMapping(queued ? new Failing(OOM, null) : new Failing(null, OOM), null);
            assertSame(OOM, assertThrows(DeviceOutOfMemoryException.class, () -> full.submit(lr, 8).await())
                    .getCause());
            PixelPath other = new Engines.ContextLossMapping(queued ? new Failing(OTHER, null)
                    : new Failing(null, OTHER), null);
            assertSame(OTHER, assertThrows(CudaException.class, () -> other.submit(lr, 8).await()));
            assertEquals(2, other.depth(), "the wrapper keeps the inner path's depth");
        }
    }

    /** An engine that only records the calls made on it. */
    static SrcnnEngine recordingEngine(List<String> log) {
        return (SrcnnEngine) Proxy.newProxyInstance(SrcnnEngine.class.getClassLoader(),
                new Class<?>[] {SrcnnEngine.class}, (proxy, method, args) -> {
                    log.add("engine " + method.getName());
                    return null;
                });
    }

    /** As Engines.pixelPath wires it: the path and then the engine's activations are freed before the retry allocates. */
    @Test
    void aRetryAfterDeviceOutOfMemoryFreesThePathAndTheEnginesActivationsFirst() {
        List<String> log = new ArrayList<>();
        SrcnnEngine engine = recordingEngine(log);
        ShrinkingTiles path = new ShrinkingTiles(t -> new Engines.ContextLossMapping(new LoggedPath(t, 128, log, () -> OOM),
                engine), 256);
        assertEquals(512, path.upscale(Pixels.allocate(256, 8, 1, 8, null), 8).width());
        assertEquals(List.of("allocate 256", "run 256", "free 256", "engine releaseWorkingMemory", "allocate 128",
                "run 128"), log);
    }

    /** A path whose close fails (a queued copy failed) still has the engine release its activations, then rethrows. */
    @Test
    void theEnginesActivationsAreReleasedEvenWhenThePathsCloseFails() {
        List<String> log = new ArrayList<>();
        PixelPath failingClose = new Failing(null, null);
        PixelPath path = new Engines.ContextLossMapping(new PixelPath.Forwarding() {
            @Override
            public PixelPath inner() {
                return failingClose;
            }

            @Override
            public Pixels upscale(Pixels lr, int bits) {
                return failingClose.upscale(lr, bits);
            }

            @Override
            public void close() {
                log.add("path close fails");
                throw OTHER;
            }
        }, recordingEngine(log));
        assertSame(OTHER, assertThrows(CudaException.class, path::close));
        assertEquals(List.of("path close fails", "engine releaseWorkingMemory"), log);
    }
}
