package dev.quarry.agent.memory;

import dev.quarry.agent.error.ConversationBusyException;
import dev.quarry.agent.error.ConversationStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Conversations in a folder, one JSON file each ({@code <id>.json}), written to a temporary file and moved
 * into place so a crash never leaves half a conversation. A run's lease is an OS file lock on
 * {@code <id>.lock}, so processes sharing the folder (on one machine) refuse each other's concurrent runs.
 */
public final class FileConversationStore implements ConversationStore {

    private final Path folder;

    private FileConversationStore(Path folder) {
        this.folder = folder;
    }

    /**
     * A store in {@code folder}, created when missing.
     *
     * @throws ConversationStoreException when the folder cannot be created
     */
    public static FileConversationStore in(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new ConversationStoreException("cannot create the conversation folder " + folder + ": " + e, e);
        }
        return new FileConversationStore(folder);
    }

    private Path file(String id) {
        return folder.resolve(ConversationIds.check(id) + ".json");
    }

    @Override
    public Optional<Conversation> load(String id) {
        Path file = file(id);
        try {
            return Optional.of(ConversationCodec.decode(id, Files.readString(file), file.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ConversationStoreException("cannot read conversation " + id + " from " + file + ": " + e, e);
        }
    }

    @Override
    public synchronized void save(Conversation conversation) {
        long stored = load(conversation.id()).map(Conversation::revision).orElse(0L);
        if (stored != conversation.revision() - 1) {
            throw Leases.savedMeanwhile(conversation.id(), stored, conversation.revision());
        }
        Path file = file(conversation.id());
        try {
            Path temporary = Files.createTempFile(folder, conversation.id(), ".tmp");
            Files.writeString(temporary, ConversationCodec.encode(conversation), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ConversationStoreException(
                    "cannot write conversation " + conversation.id() + " to " + file + ": " + e, e);
        }
    }

    @Override
    public void delete(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new ConversationStoreException("cannot delete conversation " + id + " in " + folder + ": " + e, e);
        }
    }

    @Override
    public Lease lease(String id) {
        Path lockFile = folder.resolve(ConversationIds.check(id) + ".lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new ConversationBusyException(Leases.busy(id, "another process using " + folder));
            }
            FileChannel held = channel;
            return () -> {
                try {
                    lock.release();
                    held.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot release the lock on conversation " + id, e);
                }
            };
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new ConversationBusyException(Leases.busy(id, "this JVM"));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConversationStoreException("cannot lock conversation " + id + " in " + folder + ": " + e, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock was not taken; the channel holds nothing worth reporting
            }
        }
    }
}
