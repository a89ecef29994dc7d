package dev.quarry.examples.spring;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.quarry.index.DirectoryLoader;
import dev.quarry.index.LuceneIndex;
import dev.quarry.offline.OfflineModel;
import dev.quarry.offline.OfflineStreamingModel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application answering questions over an index with a Quarry agent: {@code GET /ask?q=...}
 * returns the answer, its citations and steps; {@code GET /ask/stream?q=...} streams the steps and the
 * answer's text as server-sent events. Everything comes from the Quarry starter and
 * {@code application.properties}; this class only picks the model and fills an empty index.
 */
@SpringBootApplication
public class AskApplication {

    private static final Logger LOG = LoggerFactory.getLogger(AskApplication.class);

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(AskApplication.class, args);
    }

    /** With {@code ask.model=offline} (the default), Quarry's deterministic offline model instead of Claude. */
    @Bean
    @ConditionalOnProperty(name = "ask.model", havingValue = "offline", matchIfMissing = true)
    ChatModel offlineModel() {
        return new OfflineModel();
    }

    /** Its streaming twin, so answers stream offline too. */
    @Bean
    @ConditionalOnProperty(name = "ask.model", havingValue = "offline", matchIfMissing = true)
    StreamingChatModel offlineStreamingModel() {
        return new OfflineStreamingModel();
    }

    /** Indexes {@code ask.docs} when the index is empty. */
    @Bean
    ApplicationRunner fillEmptyIndex(LuceneIndex index, @Value("${ask.docs}") String docsFolder) {
        Path docs = Path.of(docsFolder);
        return arguments -> {
            if (index.stats().documents() > 0) {
                return;
            }
            var report = DirectoryLoader.builder(docs).build().load();
            index.upsertAll(report.documents());
            index.commit();
            LOG.info(
                    "indexed {} documents from {} ({} skipped)",
                    report.documents().size(),
                    docs,
                    report.failures().size());
        };
    }
}
