package dev.quarry.spring;

import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.JdbcJournal;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.index.LuceneIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The index's health ({@code quarryIndex} in Actuator's health endpoint: documents, chunks, whether it has
 * vectors, when it was last committed), when Spring Boot's health module is on the classpath and the context
 * has a {@link LuceneIndex}; down with the error when the index cannot be read. The health indicator is named
 * {@code quarryIndexHealthIndicator}. The run journal's health is {@code quarryJournal}.
 */
@AutoConfiguration(after = QuarryAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class QuarryHealthAutoConfiguration {

    /** The index's health indicator. */
    @Bean
    @ConditionalOnBean(LuceneIndex.class)
    @ConditionalOnMissingBean(name = "quarryIndexHealthIndicator")
    public HealthIndicator quarryIndexHealthIndicator(LuceneIndex index, QuarryProperties properties) {
        return () -> {
            try {
                LuceneIndex.Stats stats = index.stats();
                Health.Builder health = Health.up()
                        .withDetail("documents", stats.documents())
                        .withDetail("chunks", stats.chunks())
                        .withDetail("vectors", index.supportsVectors());
                lastCommit(properties.index().path())
                        .ifPresent(time -> health.withDetail("lastCommit", time.toString()));
                return health.build();
            } catch (RuntimeException e) {
                return Health.down(e).build();
            }
        };
    }

    /**
     * The journal's health ({@code quarryJournal}): for a JDBC journal, its table, schema version and this
     * instance's id, down when the database cannot be read; for a file journal, its folder.
     */
    @Bean
    @ConditionalOnBean(RunJournal.class)
    @ConditionalOnMissingBean(name = "quarryJournalHealthIndicator")
    public HealthIndicator quarryJournalHealthIndicator(RunJournal journal) {
        return () -> {
            try {
                return switch (journal) {
                    case JdbcJournal jdbc ->
                        Health.up()
                                .withDetail("type", "jdbc")
                                .withDetail("table", jdbc.table())
                                .withDetail("schemaVersion", jdbc.schemaVersion())
                                .withDetail("instance", jdbc.instanceId())
                                .build();
                    case FileJournal file ->
                        Health.up()
                                .withDetail("type", "file")
                                .withDetail("folder", file.folder().toString())
                                .build();
                    default ->
                        Health.up()
                                .withDetail("type", journal.getClass().getSimpleName())
                                .build();
                };
            } catch (RuntimeException e) {
                return Health.down(e).build();
            }
        };
    }

    /** When the newest commit point ({@code segments_N}) of the index folder was written. */
    private static Optional<FileTime> lastCommit(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segments_"))
                    .map(f -> {
                        try {
                            return Files.getLastModifiedTime(f);
                        } catch (IOException e) {
                            return FileTime.fromMillis(0);
                        }
                    })
                    .max(FileTime::compareTo);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
