package dev.quarry.bench.retrieval;

import dev.quarry.index.eval.BeirFormat;
import dev.quarry.index.eval.SmartFormat;
import dev.quarry.index.eval.TestCollection;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which test collection a retrieval harness reads, from command-line options: the classic SMART format
 * ({@code --format smart}, the default, with Cranfield's file names, grading and query numbering unless
 * told otherwise) or the BEIR format ({@code --format beir}). The data is chosen by options, never by code.
 */
final class CollectionOptions {

    static final String USAGE = """
              --data DIR            the collection's folder (default ../shared/data/cranfield)
              --format smart|beir   file format (default smart)
              smart: --docs FILE --queries FILE --qrels FILE  names inside --data
                                    (default cran.all.1400, cran.qry, cranqrel)
                     --grades cranfield|gain|binary  how a judgment's grade reads (default cranfield)
                     --query-ids position|id         how judgments name queries (default position)
              beir:  --split NAME   qrels/NAME.tsv (default test)
            """;

    private Path data = Path.of("..", "shared", "data", "cranfield");
    private String format = "smart";
    private String docs = "cran.all.1400";
    private String queries = "cran.qry";
    private String qrels = "cranqrel";
    private SmartFormat.Grades grades = SmartFormat.Grades.CRANFIELD;
    private SmartFormat.QueryIds queryIds = SmartFormat.QueryIds.POSITION;
    private String split = "test";

    /** Takes the option at {@code args[i]} if it is a collection option; returns the index of its value, or -1. */
    int take(String[] args, int i) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
            case "--data" -> data = Path.of(required(args[i], value));
            case "--format" -> format = required(args[i], value).toLowerCase(Locale.ROOT);
            case "--docs" -> docs = required(args[i], value);
            case "--queries" -> queries = required(args[i], value);
            case "--qrels" -> qrels = required(args[i], value);
            case "--grades" -> grades = SmartFormat.Grades.valueOf(upper(required(args[i], value)));
            case "--query-ids" -> queryIds = SmartFormat.QueryIds.valueOf(upper(required(args[i], value)));
            case "--split" -> split = required(args[i], value);
            default -> {
                return -1;
            }
        }
        return i + 1;
    }

    /** A short name of the collection for reports. */
    String describe() {
        return format.equals("beir") ? data.getFileName() + " (BEIR, " + split + ")" : data.getFileName() + " (SMART)";
    }

    TestCollection read() {
        return switch (format) {
            case "smart" ->
                SmartFormat.read(data.resolve(docs), data.resolve(queries), data.resolve(qrels), grades, queryIds);
            case "beir" -> BeirFormat.read(data, split);
            default -> throw new IllegalArgumentException("unknown --format " + format + "; use smart or beir");
        };
    }

    private static String upper(String value) {
        return value.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
