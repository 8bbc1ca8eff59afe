package dev.gpusr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpusr.image.Pixels;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The overlapped path's bookkeeping on a fake device: order, slot reuse, failures of one image, close. */
class OverlappedPixelPathTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    static Pixels image(int w, int h, int channels, long seed) {
        byte[] s = new byte[w * h * channels];
        new Random(seed).nextBytes(s);
        return new Pixels(w, h, channels, 8, s);
    }

    /** Mixed sizes and layouts: each image is told apart by its width. */
    static List<Pixels> images(int n) {
        List<Pixels> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(image(10 + i, 7 + (i * 5) % 11, 1 + i % 4, i));
        return out;
    }

    /** Submits with up to depth in flight, awaiting the oldest when full, as the batch's engine worker does. */
    static List<Object> runWindowed(OverlappedPixelPath path, List<Pixels> inputs) {
        List<Object> results = new ArrayList<>();
        Deque<PixelPath.Pending> window = new ArrayDeque<>();
        for (Pixels lr : inputs) {
            if (window.size() == path.depth()) results.add(awaitOrFailure(window.removeFirst()));
            try {
                window.add(path.submit(lr, 8));
            } catch (IllegalStateException e) {
                // a failed submit is this image's result; keep the order by resolving the window first
                while (!window.isEmpty()) results.add(awaitOrFailure(window.removeFirst()));
                results.add(e);
            }
        }
        while (!window.isEmpty()) results.add(awaitOrFailure(window.removeFirst()));
        return results;
    }

    private static Object awaitOrFailure(PixelPath.Pending p) {
        try {
            return p.await();
        } catch (IllegalStateException e) {
            return e;
        }
    }

    @Test
    void resultsComeBackInSubmissionOrderWithTwoInFlight() {
        Assertions.assertTimeoutPreemptively(LIMIT, () -> {
            FakeOverlappedDevice device = new FakeOverlappedDevice(2, 5);
            try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
                assertEquals(2, path.depth());
                List<Pixels> in = images(9);
                List<Object> out = runWindowed(path, in);
                assertEquals(in.size(), out.size());
                for (int i = 0; i < in.size(); i++) {
                    Pixels got = (Pixels) out.get(i);
                    assertArrayEquals(device.expected(in.get(i), 8).samples(), got.samples(), "image " + i);
                }
                assertEquals(2, device.maxBusy, "two images were on the device at once");
                assertEquals(0, path.inFlight());
            }
            assertTrue(device.closed);
        });
    }

    @Test
    void aSubmitBeyondTheDepthIsRefusedAndStartsNothing() {
        FakeOverlappedDevice device = new FakeOverlappedDevice(2, 0);
        try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
            List<Pixels> in = images(3);
            PixelPath.Pending a = path.submit(in.get(0), 8), b = path.submit(in.get(1), 8);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> path.submit(in.get(2), 8));
            assertTrue(e.getMessage().contains("await one"), e.getMessage());
            assertEquals(List.of("start 0", "start 1"), device.log);
            a.await();
            PixelPath.Pending c = path.submit(in.get(2), 8); // the freed slot is reused
            assertEquals("start 0", device.log.get(device.log.size() - 1));
            b.await();
            c.await();
            assertThrows(IllegalStateException.class, a::await, "a result is awaited once");
        }
    }

    @Test
    void aFailureWhileQueueingFailsThatImageOnlyAndFreesItsSlot() {
        Assertions.assertTimeoutPreemptively(LIMIT, () -> {
            FakeOverlappedDevice device = new FakeOverlappedDevice(2, 2);
            device.failStart = p -> p.width() == 13;
            try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
                List<Pixels> in = images(7);
                List<Object> out = runWindowed(path, in);
                for (int i = 0; i < in.size(); i++) {
                    if (in.get(i).width() == 13) {
                        assertTrue(out.get(i) instanceof IllegalStateException, "image " + i + ": " + out.get(i));
                        assertTrue(((Exception) out.get(i)).getMessage().contains("launch failed"));
                    } else {
                        assertArrayEquals(device.expected(in.get(i), 8).samples(), ((Pixels) out.get(i)).samples());
                    }
                }
                assertTrue(device.log.stream().anyMatch(s -> s.startsWith("abandon")), device.log.toString());
                assertEquals(0, device.busy());
            }
        });
    }

    @Test
    void aFailureWhileAwaitingFailsThatImageOnlyAndFreesItsSlot() {
        Assertions.assertTimeoutPreemptively(LIMIT, () -> {
            FakeOverlappedDevice device = new FakeOverlappedDevice(2, 2);
            device.failFinish = p -> p.width() == 2 * 12; // the output of the 12-wide image
            try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
                List<Pixels> in = images(6);
                List<Object> out = runWindowed(path, in);
                for (int i = 0; i < in.size(); i++) {
                    if (in.get(i).width() == 12) {
                        assertTrue(out.get(i) instanceof IllegalStateException, "image " + i + ": " + out.get(i));
                    } else {
                        assertArrayEquals(device.expected(in.get(i), 8).samples(), ((Pixels) out.get(i)).samples());
                    }
                }
                assertEquals(0, device.busy());
            }
        });
    }

    @Test
    void closeWaitsForImagesInFlightAndThenFreesTheDevice() {
        Assertions.assertTimeoutPreemptively(LIMIT, () -> {
            FakeOverlappedDevice device = new FakeOverlappedDevice(2, 50);
            OverlappedPixelPath path = new OverlappedPixelPath(device);
            List<Pixels> in = images(2);
            PixelPath.Pending a = path.submit(in.get(0), 8);
            path.submit(in.get(1), 8);
            path.close(); // the fake refuses a close while a slot is busy: abandon must come first
            assertEquals(List.of("start 0", "start 1", "abandon 0", "abandon 1", "close"), device.log);
            assertTrue(device.closed);
            assertThrows(IllegalStateException.class, a::await);
            assertThrows(IllegalStateException.class, () -> path.submit(in.get(0), 8));
            path.close(); // again: nothing
        });
    }

    @Test
    void upscaleIsSubmitThenAwait() {
        FakeOverlappedDevice device = new FakeOverlappedDevice(1, 0);
        try (OverlappedPixelPath path = new OverlappedPixelPath(device)) {
            Pixels lr = image(9, 8, 3, 4);
            assertArrayEquals(device.expected(lr, 8).samples(), path.upscale(lr).samples());
            assertEquals(List.of("start 0", "finish 0"), device.log);
        }
    }
}
