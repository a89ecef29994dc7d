package dev.quarry.index.opensearch;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A two-node OpenSearch cluster for trying the backend and for {@code ./bench quality --backend opensearch}
 * and {@code ./bench opensearch-scale}: {@code ./bench opensearch-cluster} starts it and prints its URL;
 * Ctrl+C stops it and deletes its data. By default it is the real OpenSearch 3.5 server with the k-NN plugin
 * ({@link ServerCluster}: separate processes, approximate vector search); with {@code --in-jvm} it is the
 * OpenSearch 3.8 runner inside this JVM, which has no k-NN plugin (vectors take the exact path).
 */
public final class LocalCluster {

    private LocalCluster() {}

    public static void main(String[] args) throws Exception {
        boolean inJvm = args.length > 0 && args[0].equals("--in-jvm");
        CountDownLatch stopped = new CountDownLatch(1);
        String url;
        if (inJvm) {
            Path home = Files.createTempDirectory("quarry-opensearch-cluster");
            OpenSearchRunner runner = new OpenSearchRunner();
            runner.build(newConfigs()
                    .numOfNode(2)
                    .clusterName("quarry-local")
                    .basePath(home.toString())
                    .disableESLogger());
            runner.ensureYellow();
            url = "http://127.0.0.1:" + runner.getNode(0).settings().get("http.port");
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
        } else {
            ServerCluster cluster = ServerCluster.start(2);
            url = "http://127.0.0.1:" + cluster.httpPort();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.close();
                } finally {
                    stopped.countDown();
                }
            }));
        }
        System.out.println("OpenSearch cluster of 2 nodes at " + url
                + (inJvm
                        ? " (in this JVM, no k-NN plugin)"
                        : " (OpenSearch " + ServerCluster.VERSION + " server with the k-NN plugin)")
                + "; Ctrl+C stops it");
        stopped.await();
    }
}
