package org.headcount.flush;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One batch's file in the outbox: {@code <sequence>-<id>.json}, holding the JSON object sent as {@code json=};
 * written so that a crash leaves either the whole file or none, readable by the server's user only.
 */
final class BatchFile {

    private static final Pattern NAME = Pattern.compile("(\\d{16})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.json");
    static final String PARTIAL = ".tmp";
    static final String UNREADABLE = ".unreadable";
    private static final FileAttribute<?>[] PRIVATE = {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))};

    private BatchFile() {
    }

    static String name(Batch batch) {
        return String.format("%016d-%s.json", batch.seq(), batch.id());
    }

    /** The sequence and id a file's name holds, or null for a file that is not a batch. */
    static Matcher parse(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? m : null;
    }

    /** Writes a temporary file, syncs it and renames it into place; {@link #syncDirectory} then makes the names last. */
    static void write(Path file, byte[] json, boolean posix) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + PARTIAL);
        try (FileChannel out = FileChannel.open(partial, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), posix ? PRIVATE : new FileAttribute<?>[0])) {
            ByteBuffer bytes = ByteBuffer.wrap(json);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes a rename itself durable: without it a crash can forget the new name. */
    static void syncDirectory(Path dir) {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException notSupportedHere) {
            // some file systems cannot sync a directory; the rename is then as durable as they make it
        }
    }

    /** Keys and hits of a batch's JSON; throws unless it is one object of whole, non-negative numbers. */
    static long[] count(byte[] json) {
        long keys = 0;
        long hits = 0;
        try (JsonParser parser = Json.createParser(new ByteArrayInputStream(json))) {
            expect(parser.hasNext() && parser.next() == JsonParser.Event.START_OBJECT, "not a JSON object");
            JsonParser.Event event;
            while ((event = parser.next()) == JsonParser.Event.KEY_NAME) {
                expect(parser.next() == JsonParser.Event.VALUE_NUMBER && parser.isIntegralNumber()
                        && parser.getLong() >= 0, "a count that is not a whole number");
                keys++;
                hits += parser.getLong();
            }
            expect(event == JsonParser.Event.END_OBJECT && !parser.hasNext(), "text after the object");
        }
        return new long[] {keys, hits};
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
