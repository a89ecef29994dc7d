package dev.quarry.bench.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real embedding model with its vectors kept in a file, so a benchmark that needs the same 100,000 real
 * vectors in several runs (and in its brute-force ground truth) computes each one once. Each text is keyed
 * by the first 8 bytes of its SHA-256; a text not in the file is embedded by the model and appended at
 * once, so an interrupted run resumes where it stopped. The file names the model and dimension it was
 * written with; another model is refused. Not thread-safe.
 */
final class VectorCache implements EmbeddingModel, AutoCloseable {

    private static final int MAGIC = 0x51564331; // "QVC1"

    private final EmbeddingModel model;
    private final String name;
    private final Map<Long, float[]> vectors = new HashMap<>();
    private final DataOutputStream out;
    private int computed;

    /**
     * @param name the model's name as written in the file (in-process models often report none)
     */
    VectorCache(EmbeddingModel model, String name, Path file) throws IOException {
        this.model = model;
        this.name = name;
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        if (!fresh) {
            read(file);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)));
        if (fresh) {
            out.writeInt(MAGIC);
            out.writeUTF(name);
            out.writeInt(model.dimension());
            out.flush();
        }
    }

    private void read(Path file) throws IOException {
        try (InputStream stream = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a vector cache; delete it");
            }
            String written = in.readUTF();
            int dimension = in.readInt();
            if (!written.equals(name) || dimension != model.dimension()) {
                throw new IOException(file + " holds " + written + " vectors of " + dimension + " dimensions, not "
                        + name + "; use another file");
            }
            while (true) {
                long key;
                try {
                    key = in.readLong();
                } catch (EOFException end) {
                    return;
                }
                float[] vector = new float[dimension];
                try {
                    for (int i = 0; i < dimension; i++) {
                        vector[i] = in.readFloat();
                    }
                } catch (EOFException torn) {
                    // the last record of an interrupted run: embedded again and appended after it
                    return;
                }
                vectors.put(key, vector);
            }
        }
    }

    /** Vectors read from the file or computed so far. */
    int size() {
        return vectors.size();
    }

    /** Vectors this instance had to compute with the model. */
    int computed() {
        return computed;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<TextSegment> missing = new ArrayList<>();
        for (TextSegment segment : segments) {
            if (!vectors.containsKey(key(segment.text()))) {
                missing.add(segment);
            }
        }
        if (!missing.isEmpty()) {
            List<Embedding> fresh = model.embedAll(missing).content();
            try {
                for (int i = 0; i < missing.size(); i++) {
                    long key = key(missing.get(i).text());
                    float[] vector = fresh.get(i).vector();
                    out.writeLong(key);
                    for (float value : vector) {
                        out.writeFloat(value);
                    }
                    vectors.put(key, vector);
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the vector cache", e);
            }
            computed += missing.size();
        }
        List<Embedding> embeddings = new ArrayList<>(segments.size());
        for (TextSegment segment : segments) {
            embeddings.add(Embedding.from(vectors.get(key(segment.text())).clone()));
        }
        return Response.from(embeddings);
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static long key(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
