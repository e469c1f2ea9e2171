package org.headcount.flush;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The durable outbox: each batch is a file of its own (its JSON, named by its place in line and its id), written
 * atomically and synced before it is first sent, and deleted once delivered. Batches stay in memory within a
 * budget and are read back from disk beyond it. A lock keeps a second live JVM out of the directory.
 * Confined to the flush thread, but for {@link #size()}.
 */
public final class Outbox implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    private static final Pattern NAME = Pattern.compile("(\\d{16})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.json");
    static final String LOCK_FILE = ".lock";
    /** Long enough for a JVM that is stopping to let go (a restart), short enough to fail a deploy clearly. */
    static final long LOCK_WAIT_MS = 10_000;
    private static final long LOCK_POLL_MS = 100;

    private final Path dir;
    private final int maxInMemory;
    private final long maxMemoryBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean posix;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private volatile int size;
    private long nextSeq = 1;
    private int inMemory;
    private long memoryBytes;

    /** A batch and, while it fits the budget or is not yet on disk, its JSON. */
    private static final class Entry {
        final Batch batch;
        byte[] json;
        boolean written;

        Entry(Batch batch, byte[] json) {
            this.batch = batch;
            this.json = json;
        }
    }

    private Outbox(Path dir, int maxInMemory, long maxMemoryBytes, long lockWaitMs) throws IOException {
        this.dir = dir;
        this.maxInMemory = maxInMemory;
        this.maxMemoryBytes = maxMemoryBytes;
        this.posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Files.createDirectories(dir, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0]);
        this.lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.lock = lock(lockChannel, dir, lockWaitMs);
    }

    /**
     * Takes the directory (waiting up to {@link #LOCK_WAIT_MS} for another process to let go) and the batches
     * left in it, oldest first; a file that cannot be read is moved aside.
     */
    public static Outbox open(Path dir, int maxInMemory, long maxMemoryBytes) throws IOException {
        return open(dir, maxInMemory, maxMemoryBytes, LOCK_WAIT_MS);
    }

    static Outbox open(Path dir, int maxInMemory, long maxMemoryBytes, long lockWaitMs) throws IOException {
        Outbox outbox = new Outbox(dir, maxInMemory, maxMemoryBytes, lockWaitMs);
        try {
            outbox.load();
        } catch (IOException | RuntimeException e) {
            outbox.close();
            throw e;
        }
        return outbox;
    }

    private static FileLock lock(FileChannel channel, Path dir, long waitMs) throws IOException {
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    channel.truncate(0).write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                    return lock;
                }
            } catch (OverlappingFileLockException heldHere) {
                // another deployment in this JVM has the directory: the same answer as another process
            }
            if (System.nanoTime() > deadline) {
                channel.close();
                throw new IOException("the spool directory " + dir + " is in use by another Headcount (process "
                        + Files.readString(dir.resolve(LOCK_FILE), StandardCharsets.US_ASCII).trim()
                        + ", see " + LOCK_FILE + "); give each deployment its own spoolDir");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(LOCK_POLL_MS * 1_000_000);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Batches not yet delivered; safe from any thread. */
    public int size() {
        return size;
    }

    public long bytesInMemory() {
        return memoryBytes;
    }

    /** The batches in line, oldest first. */
    List<Batch> batches() {
        return entries.stream().map(e -> e.batch).toList();
    }

    /**
     * Puts a new batch at the end of the line, on disk before it is ever sent. A disk that refuses keeps it in
     * memory (logged); {@link #writePending()} tries again.
     */
    Batch add(FormBody.Part part) {
        Entry entry = new Entry(new Batch(nextSeq++, UUID.randomUUID().toString(), part.keys(), part.hits()), part.json());
        entries.addLast(entry);
        size = entries.size();
        write(entry);
        return entry.batch;
    }

    /** Writes every batch the disk refused before. */
    void writePending() {
        entries.stream().filter(e -> !e.written).forEach(this::write);
    }

    private void write(Entry entry) {
        try {
            Path file = file(entry.batch);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), fileMode())) {
                ByteBuffer json = ByteBuffer.wrap(entry.json);
                while (json.hasRemaining()) {
                    out.write(json);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            entry.written = true;
            keepOrEvict(entry);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not write batch {0} to {1} ({2}); it is kept in memory and written "
                    + "at the next flush", entry.batch.id(), dir, e.toString());
        }
    }

    private void keepOrEvict(Entry entry) {
        if (inMemory < maxInMemory && memoryBytes + entry.json.length <= maxMemoryBytes) {
            inMemory++;
            memoryBytes += entry.json.length;
        } else {
            entry.json = null; // on disk only: read back when its turn comes
        }
    }

    /** The JSON of {@code batch}, from memory or from its file. */
    byte[] json(Batch batch) throws IOException {
        Entry entry = find(batch);
        return entry.json != null ? entry.json : Files.readAllBytes(file(batch));
    }

    /** Takes a delivered (or discarded) batch out of the line and off the disk. */
    void remove(Batch batch) {
        Entry entry = find(batch);
        entries.remove(entry);
        size = entries.size();
        if (entry.json != null && entry.written) {
            inMemory--;
            memoryBytes -= entry.json.length;
        }
        try {
            Files.deleteIfExists(file(batch));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete delivered batch {0} ({1}); it is sent again under the "
                    + "same id at the next start", file(batch), e.toString());
        }
    }

    private Entry find(Batch batch) {
        return entries.stream().filter(e -> e.batch.equals(batch)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not in the outbox: " + batch));
    }

    /** Lets go of the directory; what is in it stays for the next start. Idempotent. */
    @Override
    public void close() throws IOException {
        if (lockChannel.isOpen()) {
            lock.release();
            lockChannel.close();
        }
    }

    private Path file(Batch batch) {
        return dir.resolve(String.format("%016d-%s.json", batch.seq(), batch.id()));
    }

    private void load() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            String name = file.getFileName().toString();
            Matcher m = NAME.matcher(name);
            if (name.endsWith(".json.tmp")) {
                Files.delete(file); // a write cut short: never renamed, so never sent
            } else if (m.matches()) {
                long seq = Long.parseLong(m.group(1));
                nextSeq = Math.max(nextSeq, seq + 1);
                loadBatch(file, seq, m.group(2));
            }
        }
        size = entries.size();
    }

    private void loadBatch(Path file, long seq, String id) throws IOException {
        byte[] json = Files.readAllBytes(file);
        long[] keysAndHits;
        try {
            keysAndHits = count(json);
        } catch (RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(System.Logger.Level.ERROR, "Spooled batch {0} is unreadable ({1}); moved it to {2}", file,
                    e.getMessage(), aside);
            return;
        }
        Entry entry = new Entry(new Batch(seq, id, (int) keysAndHits[0], keysAndHits[1]), json);
        entry.written = true;
        keepOrEvict(entry);
        entries.addLast(entry);
    }

    /** Keys and hits of a batch's JSON; throws unless it is one object of whole, non-negative numbers. */
    private static long[] count(byte[] json) {
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

    private FileAttribute<?>[] fileMode() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    /** Makes the rename itself durable: without it a crash can forget the new name. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException notSupportedHere) {
            // some file systems cannot sync a directory; the rename is then as durable as they make it
        }
    }
}
