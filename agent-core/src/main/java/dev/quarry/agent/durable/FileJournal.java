package dev.quarry.agent.durable;

import dev.quarry.agent.error.JournalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The embedded {@link RunJournal}: one append-only file per run in a folder ({@code <runId>.journal}). Each
 * record is framed as {@code <length> <crc32> <json>\n} (length and checksum in hex) and forced to the disk
 * ({@code fsync}) before {@link #append} returns; a new file's folder entry is forced too.
 *
 * <p>A record cut short by a crash (the last frame incomplete or failing its checksum) is a torn tail: reads
 * leave it out, and the next append to that run first cuts it off. A damaged frame followed by more data is
 * not a torn write: reading it throws {@link JournalException} rather than replay something wrong.
 */
public final class FileJournal implements RunJournal {

    /** File name suffix of a run's journal. */
    public static final String SUFFIX = ".journal";

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}");

    private final Path folder;
    private final RunLocks locks = new RunLocks();
    private final Set<String> checked = ConcurrentHashMap.newKeySet();

    private FileJournal(Path folder) {
        this.folder = folder;
    }

    /**
     * A journal in {@code folder}, created when missing.
     *
     * @throws JournalException when the folder cannot be created or is not a folder
     */
    public static FileJournal in(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new JournalException("cannot create the journal folder " + absolute + ": " + e.getMessage(), e);
        }
        return new FileJournal(absolute);
    }

    /** The folder the journal files are in. */
    public Path folder() {
        return folder;
    }

    @Override
    public void append(String runId, String record) {
        Path file = file(runId);
        byte[] json = record.getBytes(StandardCharsets.UTF_8);
        byte[] frame = frame(json);
        synchronized (locks.of(runId)) {
            try {
                boolean created = !Files.exists(file);
                if (!created && checked.add(runId)) {
                    cutTornTail(file);
                }
                try (FileChannel channel = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ByteBuffer buffer = ByteBuffer.wrap(frame);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(false);
                }
                if (created) {
                    checked.add(runId);
                    forceFolder();
                }
            } catch (IOException e) {
                throw new JournalException("cannot append to the journal " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<String> read(String runId) {
        Path file = file(runId);
        synchronized (locks.of(runId)) {
            try {
                return parse(file, Files.readAllBytes(file)).records();
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw new JournalException("cannot read the journal " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Holds the run in this JVM and, with an exclusive lock on its {@code <run>.lock} file, in every other
     * process using this folder; waits while another holds it.
     */
    @Override
    public Lease lease(String runId) {
        Path file = file(runId).resolveSibling(runId + ".lock");
        Lease local = RunLeases.SHARED.lease(runId);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock held = channel.lock();
                return () -> {
                    try (channel) {
                        held.release();
                    } catch (IOException e) {
                        throw new JournalException("cannot release the lock " + file + ": " + e.getMessage(), e);
                    } finally {
                        local.close();
                    }
                };
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            local.close();
            throw new JournalException(
                    "cannot lock the journal of run " + runId + " (" + file + "): " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> runIds() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparing(FileJournal::modified))
                    .map(f -> f.getFileName().toString())
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .toList();
        } catch (IOException e) {
            throw new JournalException("cannot list the journal folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private Path file(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException(
                    "run id must be 1 to 200 letters, digits, '-', '_' or '.' (not first), was '" + runId + "'");
        }
        return folder.resolve(runId + SUFFIX);
    }

    private static byte[] frame(byte[] json) {
        CRC32 crc = new CRC32();
        crc.update(json);
        byte[] header = String.format("%08x %08x ", json.length, crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[header.length + json.length + 1];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(json, 0, frame, header.length, json.length);
        frame[frame.length - 1] = '\n';
        return frame;
    }

    /** The complete records of a file, and where the last one ends. */
    record Parsed(List<String> records, int validLength) {}

    static Parsed parse(Path file, byte[] bytes) {
        List<String> records = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int end = frameEnd(bytes, at);
            if (end < 0) {
                if (end == -1 || lastFrame(bytes, at)) {
                    break; // torn tail: the write that was going on when the process died
                }
                throw new JournalException("record " + (records.size() + 1) + " of the journal " + file
                        + " is damaged (bad frame or checksum) and more records follow it; the run cannot be"
                        + " replayed safely. Move the file away to start the run afresh.");
            }
            int length = Integer.parseInt(new String(bytes, at, 8, StandardCharsets.US_ASCII), 16);
            records.add(new String(bytes, at + 18, length, StandardCharsets.UTF_8));
            at = end;
        }
        return new Parsed(records, at);
    }

    /** The end of the frame at {@code at}; -1 when the file ends inside it, -2 when it is damaged. */
    private static int frameEnd(byte[] bytes, int at) {
        if (bytes.length - at < 18) {
            return -1;
        }
        int length;
        long crc;
        try {
            length = Integer.parseInt(new String(bytes, at, 8, StandardCharsets.US_ASCII), 16);
            crc = Long.parseLong(new String(bytes, at + 9, 8, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return -2;
        }
        if (bytes[at + 8] != ' ' || bytes[at + 17] != ' ' || length < 0) {
            return -2;
        }
        int end = at + 18 + length + 1;
        if (end > bytes.length || end < 0) {
            return -1;
        }
        CRC32 check = new CRC32();
        check.update(bytes, at + 18, length);
        return check.getValue() == crc && bytes[end - 1] == '\n' ? end : -2;
    }

    /** Whether nothing but this damaged frame's own bytes follow it (no newline-ended frame after it). */
    private static boolean lastFrame(byte[] bytes, int at) {
        for (int i = at; i < bytes.length - 1; i++) {
            if (bytes[i] == '\n') {
                return false;
            }
        }
        return true;
    }

    private void cutTornTail(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int valid = parse(file, bytes).validLength();
        if (valid < bytes.length) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(valid);
                channel.force(true);
            }
        }
    }

    private void forceFolder() {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open a folder; the file's own fsync is all they offer
        }
    }
}
