package org.headcount.live;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Draws the PNG counter's "Users online: N" image, once per count value, with java.awt in headless mode. */
public final class PngRenderer {

    public static final int WIDTH_PX = 180;
    public static final int HEIGHT_PX = 30;
    /** Distinct counts kept; past it the cache starts over, so a flapping huge page cannot grow memory. */
    static final int MAX_CACHED_IMAGES = 1024;
    static final String LABEL = "Users online: ";
    private static final int FONT_SIZE_PT = 16;
    private static final int MIN_FONT_SIZE_PT = 8;
    private static final int PADDING_PX = 8;
    private static final Color BACKGROUND = new Color(0xF6, 0xF8, 0xFA);
    private static final Color BORDER = new Color(0xD0, 0xD7, 0xDE);
    // The seed's dark green.
    private static final Color TEXT = new Color(0, 100, 0);

    private final ConcurrentHashMap<Integer, byte[]> cache = new ConcurrentHashMap<>();

    public PngRenderer() {
        // A server has no display: without this, AWT would look for one (and fail) on first use.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The PNG for {@code online} viewers; the same array for the same count, which callers must not modify. */
    public byte[] render(int online) {
        byte[] png = cache.get(online);
        if (png != null) {
            return png;
        }
        if (cache.size() >= MAX_CACHED_IMAGES) {
            cache.clear();
        }
        // Drawn outside the map's lock: two threads may both draw a new count, and the first one stored wins.
        byte[] drawn = encode(draw(LABEL + online));
        png = cache.putIfAbsent(online, drawn);
        return png == null ? drawn : png;
    }

    /** How many counts are cached now. */
    int cached() {
        return cache.size();
    }

    private static BufferedImage draw(String text) {
        BufferedImage image = new BufferedImage(WIDTH_PX, HEIGHT_PX, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH_PX, HEIGHT_PX);
            g.setColor(BORDER);
            g.drawRect(0, 0, WIDTH_PX - 1, HEIGHT_PX - 1);
            FontMetrics metrics = fitting(g, text);
            int y = (HEIGHT_PX - metrics.getHeight()) / 2 + metrics.getAscent();
            g.setColor(TEXT);
            g.drawString(text, PADDING_PX, y);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Sets the largest font up to {@link #FONT_SIZE_PT} in which {@code text} fits the width, for very large counts. */
    private static FontMetrics fitting(Graphics2D g, String text) {
        int size = FONT_SIZE_PT;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        while (g.getFontMetrics().stringWidth(text) > WIDTH_PX - 2 * PADDING_PX && size > MIN_FONT_SIZE_PT) {
            size--;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        }
        return g.getFontMetrics();
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // A memory-cached stream: ImageIO's default may spill to a temp file, which a 1 KB image never needs.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("This JRE has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Encoding a PNG in memory failed", e);
        }
        return bytes.toByteArray();
    }
}
