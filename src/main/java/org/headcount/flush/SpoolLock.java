package org.headcount.flush;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/** Holds a spool directory for one live Headcount: a file lock on {@code .lock}, which names the holder's process. */
final class SpoolLock implements AutoCloseable {

    static final String FILE = ".lock";
    private static final long POLL_MS = 100;

    private final FileChannel channel;
    private final FileLock lock;

    private SpoolLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes {@code dir}, waiting up to {@code waitMs} for another holder (a JVM that is stopping) to let go. */
    static SpoolLock take(Path dir, long waitMs) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    channel.truncate(0).write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                    return new SpoolLock(channel, lock);
                }
            } catch (OverlappingFileLockException heldHere) {
                // another deployment in this JVM has the directory: the same answer as another process
            }
            if (System.nanoTime() > deadline) {
                channel.close();
                throw new IOException("the spool directory " + dir + " is in use by another Headcount (process "
                        + Files.readString(file, StandardCharsets.US_ASCII).trim() + ", see " + FILE
                        + "); give each deployment its own spoolDir");
            }
            LockSupport.parkNanos(POLL_MS * 1_000_000);
        }
    }

    /** Lets go. Idempotent. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            lock.release();
            channel.close();
        }
    }
}
