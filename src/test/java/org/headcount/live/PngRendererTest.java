package org.headcount.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PNG counter's images: real PNGs of the promised size, one per count, drawn once. */
class PngRendererTest {

    private final PngRenderer renderer = new PngRenderer();

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "ImageIO could not decode the bytes as an image");
        return image;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 42, 1_000, 50_000, Integer.MAX_VALUE})
    void decodesAsAPngOfTheFixedSize(int online) throws IOException {
        byte[] png = renderer.render(online);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(png, 8),
                "count " + online + ": PNG signature");
        BufferedImage image = decode(png);
        assertEquals(PngRenderer.WIDTH_PX, image.getWidth(), "count " + online + ": width");
        assertEquals(PngRenderer.HEIGHT_PX, image.getHeight(), "count " + online + ": height");
    }

    @Test
    void textIsDrawnInsideTheImage() throws IOException {
        BufferedImage image = decode(renderer.render(123_456_789));
        int background = image.getRGB(1, 1);
        // The widest count still leaves its last digits inside: some non-background pixel in the right third.
        boolean inkOnTheRight = IntStream.range(PngRenderer.WIDTH_PX * 2 / 3, PngRenderer.WIDTH_PX - 2)
                .anyMatch(x -> IntStream.range(2, PngRenderer.HEIGHT_PX - 2).anyMatch(y -> image.getRGB(x, y) != background));
        assertTrue(inkOnTheRight, "a nine-digit count should reach the right third of the image");
    }

    @Test
    void differentCountsGiveDifferentImages() {
        Set<String> seen = new HashSet<>();
        for (int online = 0; online <= 20; online++) {
            assertTrue(seen.add(Arrays.toString(renderer.render(online))), "count " + online + " drew the same bytes as an earlier count");
        }
    }

    @Test
    void sameCountReturnsTheCachedBytes() {
        byte[] first = renderer.render(5);
        assertSame(first, renderer.render(5), "a second render of the same count should be the cached array");
        assertFalse(Arrays.equals(first, renderer.render(6)), "count 6 should not reuse count 5's image");
    }

    @Test
    void cacheStaysBounded() {
        for (int online = 0; online < PngRenderer.MAX_CACHED_IMAGES + 10; online++) {
            renderer.render(online);
            assertTrue(renderer.cached() <= PngRenderer.MAX_CACHED_IMAGES,
                    "after count " + online + " the cache holds " + renderer.cached());
        }
        assertArrayEquals(new PngRenderer().render(3), renderer.render(3), "after starting over the cache draws the same image");
    }

    @Test
    void concurrentRendersOfOneCountAgreeOnOneArray() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Callable<byte[]> render = () -> renderer.render(99);
            Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Future<byte[]> result : pool.invokeAll(Collections.nCopies(threads, render))) {
                arrays.add(result.get());
            }
            assertEquals(1, arrays.size(), "racing renders of one count should all return the one array stored");
            assertSame(arrays.iterator().next(), renderer.render(99), "a later render should return the array the racers stored");
        } finally {
            pool.shutdownNow();
        }
    }
}
