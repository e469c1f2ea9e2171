package org.headcount.flush;

import jakarta.json.bind.Jsonb;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Keeps undeliverable batches in a file across a restart: written at shutdown, taken back at start. */
public final class Spool {

    private static final System.Logger LOG = System.getLogger(Spool.class.getName());
    private static final Type BATCHES = new ArrayList<Batch>() {}.getClass().getGenericSuperclass();

    private final Path file;
    private final Jsonb jsonb;

    public Spool(Path file, Jsonb jsonb) {
        this.file = file;
        this.jsonb = jsonb;
    }

    public Path file() {
        return file;
    }

    /** Writes {@code batches} atomically, so a crash mid-write never leaves half a spool. */
    public void write(List<Batch> batches) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, jsonb.toJson(batches, BATCHES), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads the spooled batches, leaving the file in place until {@link #clear()} (so a crash before they are
     * delivered loses nothing); an unreadable spool is set aside, never deleted.
     */
    public List<Batch> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Batch> batches = jsonb.fromJson(Files.readString(file, StandardCharsets.UTF_8), BATCHES);
            return batches == null ? List.of() : batches;
        } catch (Exception e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + System.currentTimeMillis());
            LOG.log(System.Logger.Level.ERROR, "Spool {0} is unreadable ({1}); moved it to {2}", file, e.getMessage(), aside);
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                LOG.log(System.Logger.Level.ERROR, "Could not move the spool aside: {0}", moveFailed.getMessage());
            }
            return List.of();
        }
    }

    /** Forgets the spool once everything in it has been delivered. */
    public void clear() throws IOException {
        Files.deleteIfExists(file);
    }
}
