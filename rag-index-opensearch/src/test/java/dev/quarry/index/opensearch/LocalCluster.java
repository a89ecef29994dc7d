package dev.quarry.index.opensearch;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A two-node OpenSearch cluster for trying the backend and for {@code ./bench quality --backend opensearch}:
 * {@code ./bench opensearch-cluster} starts it and prints its URL; Ctrl+C stops it and deletes its data.
 * It runs OpenSearch's own Lucene, which is why it lives on this module's test class path.
 */
public final class LocalCluster {

    private LocalCluster() {}

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("quarry-opensearch-cluster");
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.build(newConfigs()
                .numOfNode(2)
                .clusterName("quarry-local")
                .basePath(home.toString())
                .disableESLogger());
        runner.ensureYellow();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
                runner.clean();
            } catch (Exception e) {
                System.err.println("could not stop the cluster cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }));
        System.out.println("OpenSearch cluster of 2 nodes at http://127.0.0.1:"
                + runner.getNode(0).settings().get("http.port") + " (Ctrl+C stops it)");
        stopped.await();
    }
}
