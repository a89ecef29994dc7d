package dev.quarry.index;

import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The layout of a {@link LuceneIndex} on disk: one record per source document (its text and chunk count,
 * for {@link LuceneIndex#document}) and one per chunk (searchable text with offsets for highlighting, the
 * document's title as a second searchable field, the vector, citations), written together as one block so a
 * document is replaced atomically; and the reading of those records back into {@link Hit}s, {@link Chunk}s
 * and {@link Document}s.
 */
final class ChunkRecords {

    static final String KIND = "kind";
    static final String DOC_ID = "doc_id";
    static final String ORDINAL = "ordinal";
    static final String CHUNK_COUNT = "chunk_count";
    static final String START = "start";
    static final String END = "end";
    static final String TEXT = "text";
    static final String DOC_TEXT = "doc_text";
    /** The title as stored, on every record. */
    static final String TITLE = "title";
    /** The title as searched, on chunk records only (so a title query never matches a document record). */
    static final String TITLE_TEXT = "title_text";

    static final String SOURCE = "source";
    static final String VECTOR = "vector";
    static final String META = "meta.";
    static final String KIND_DOC = "doc";
    static final String KIND_CHUNK = "chunk";

    private static final FieldType TEXT_WITH_OFFSETS = textWithOffsets();

    private ChunkRecords() {}

    static org.apache.lucene.document.Document documentRecord(Document document, int chunkCount) {
        var record = new org.apache.lucene.document.Document();
        record.add(new StringField(KIND, KIND_DOC, Field.Store.NO));
        record.add(new StringField(DOC_ID, document.id(), Field.Store.YES));
        record.add(new StoredField(DOC_TEXT, document.text()));
        record.add(new StoredField(CHUNK_COUNT, chunkCount));
        addShared(record, document);
        return record;
    }

    static org.apache.lucene.document.Document chunkRecord(
            Document document, Chunk chunk, float[] vector, boolean titles) {
        var record = new org.apache.lucene.document.Document();
        record.add(new StringField(KIND, KIND_CHUNK, Field.Store.NO));
        record.add(new StringField(DOC_ID, document.id(), Field.Store.YES));
        record.add(new IntField(ORDINAL, chunk.ordinal(), Field.Store.YES));
        record.add(new StoredField(START, chunk.startOffset()));
        record.add(new StoredField(END, chunk.endOffset()));
        record.add(new Field(TEXT, chunk.text(), TEXT_WITH_OFFSETS));
        if (titles && !document.title().isBlank()) {
            record.add(new TextField(TITLE_TEXT, document.title(), Field.Store.NO));
        }
        if (vector != null) {
            record.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        }
        addShared(record, document);
        return record;
    }

    private static void addShared(org.apache.lucene.document.Document record, Document document) {
        record.add(new StoredField(TITLE, document.title()));
        record.add(new StoredField(SOURCE, document.sourceUri()));
        document.metadata().forEach((key, value) -> record.add(new StringField(META + key, value, Field.Store.YES)));
    }

    /** A chunk record as a hit with this score and snippet (the fallback snippet when none was highlighted). */
    static Hit hit(org.apache.lucene.document.Document record, float score, String snippet) {
        String text = record.get(TEXT);
        return new Hit(
                record.get(DOC_ID),
                intValue(record, ORDINAL),
                intValue(record, START),
                intValue(record, END),
                score,
                record.get(TITLE),
                record.get(SOURCE),
                text,
                snippet != null ? snippet : Hit.fallbackSnippet(text),
                metadataOf(record));
    }

    static Chunk chunk(org.apache.lucene.document.Document record, String documentId, int ordinal) {
        return new Chunk(documentId, ordinal, intValue(record, START), intValue(record, END), record.get(TEXT));
    }

    static Document document(org.apache.lucene.document.Document record, String documentId) {
        return new Document(
                documentId, record.get(DOC_TEXT), record.get(TITLE), record.get(SOURCE), metadataOf(record));
    }

    private static int intValue(org.apache.lucene.document.Document record, String field) {
        return record.getField(field).numericValue().intValue();
    }

    private static Map<String, String> metadataOf(org.apache.lucene.document.Document record) {
        Map<String, String> metadata = new HashMap<>();
        for (IndexableField field : record.getFields()) {
            if (field.name().startsWith(META)) {
                metadata.put(field.name().substring(META.length()), field.stringValue());
            }
        }
        return metadata;
    }

    private static FieldType textWithOffsets() {
        FieldType type = new FieldType();
        type.setTokenized(true);
        type.setStored(true);
        type.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        type.freeze();
        return type;
    }
}
