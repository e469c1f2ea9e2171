package org.headcount.flush;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * The durable outbox: each batch is a {@link BatchFile} of its own, on disk before it is first sent and deleted
 * once delivered. Batches stay in memory within a budget and are read back from disk beyond it. A
 * {@link SpoolLock} keeps a second live Headcount out of the directory. Confined to the flush thread, but for
 * {@link #size()}.
 */
public final class Outbox implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    /** Long enough for a JVM that is stopping to let go (a restart), short enough to fail a deploy clearly. */
    static final long LOCK_WAIT_MS = 10_000;

    private final Path dir;
    private final int maxInMemory;
    private final long maxMemoryBytes;
    private final boolean posix;
    private final SpoolLock lock;
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

        Entry(Batch batch, byte[] json, boolean written) {
            this.batch = batch;
            this.json = json;
            this.written = written;
        }
    }

    private Outbox(Path dir, int maxInMemory, long maxMemoryBytes, long lockWaitMs) throws IOException {
        this.dir = dir;
        this.maxInMemory = maxInMemory;
        this.maxMemoryBytes = maxMemoryBytes;
        this.posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Files.createDirectories(dir, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0]);
        this.lock = SpoolLock.take(dir, lockWaitMs);
    }

    /** Takes the directory and the batches left in it, oldest first; a file that cannot be read is moved aside. */
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

    public Path dir() {
        return dir;
    }

    /** Batches not yet delivered; safe from any thread. */
    public int size() {
        return size;
    }

    /** The batches in line, oldest first. */
    List<Batch> batches() {
        return entries.stream().map(e -> e.batch).toList();
    }

    /**
     * Puts new batches at the end of the line, on disk before any is ever sent. A disk that refuses keeps a batch in
     * memory (logged); {@link #writePending()} tries again.
     */
    void addAll(List<FormBody.Part> parts) {
        for (FormBody.Part part : parts) {
            Entry entry = new Entry(new Batch(nextSeq++, UUID.randomUUID().toString(), part.keys(), part.hits()),
                    part.json(), false);
            entries.addLast(entry);
            write(entry);
        }
        size = entries.size();
        if (!parts.isEmpty()) {
            BatchFile.syncDirectory(dir); // once for all the new names
        }
    }

    /** Writes every batch the disk refused before. */
    void writePending() {
        List<Entry> unwritten = entries.stream().filter(e -> !e.written).toList();
        unwritten.forEach(this::write);
        if (!unwritten.isEmpty()) {
            BatchFile.syncDirectory(dir);
        }
    }

    private void write(Entry entry) {
        try {
            BatchFile.write(file(entry.batch), entry.json, posix);
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
        lock.close();
    }

    private Path file(Batch batch) {
        return dir.resolve(BatchFile.name(batch));
    }

    private void load() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            Matcher name = BatchFile.parse(file);
            if (file.getFileName().toString().endsWith(".json" + BatchFile.PARTIAL)) {
                Files.delete(file); // a write cut short: never renamed, so never sent
            } else if (name != null) {
                long seq = Long.parseLong(name.group(1));
                nextSeq = Math.max(nextSeq, seq + 1);
                load(file, seq, name.group(2));
            }
        }
        size = entries.size();
    }

    private void load(Path file, long seq, String id) throws IOException {
        byte[] json = Files.readAllBytes(file);
        long[] keysAndHits;
        try {
            keysAndHits = BatchFile.count(json);
        } catch (RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + BatchFile.UNREADABLE);
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(System.Logger.Level.ERROR, "Spooled batch {0} is unreadable ({1}); moved it to {2}", file,
                    e.getMessage(), aside);
            return;
        }
        Entry entry = new Entry(new Batch(seq, id, (int) keysAndHits[0], keysAndHits[1]), json, true);
        keepOrEvict(entry);
        entries.addLast(entry);
    }
}
