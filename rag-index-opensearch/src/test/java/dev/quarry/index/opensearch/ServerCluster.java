package dev.quarry.index.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSearch server cluster on loopback: the OpenSearch 3.5 distribution the build unpacks under
 * {@code target/opensearch-server}, with the k-NN plugin installed into it once (the installed copy is kept,
 * so a second run neither unpacks nor installs again), started as separate processes, one per node, each
 * with its own data folder and a 1 GB heap. As root, the nodes run as {@code nobody} (OpenSearch refuses
 * root), and the distribution folder is handed to that user. {@link #close()} stops every process and
 * deletes the data.
 */
final class ServerCluster implements AutoCloseable {

    /**
     * Where the build unpacks the distribution and copies the plugin: {@code target/opensearch-server} of
     * this module, relative to the working folder unless {@code -Dquarry.opensearch.server.folder} says.
     */
    static final Path SERVER_FOLDER =
            Path.of(System.getProperty("quarry.opensearch.server.folder", "target/opensearch-server"));

    static final String VERSION = "3.5.0";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final List<Process> nodes;
    private final List<Path> logs;
    private final Path run;
    private final int httpPort;

    private ServerCluster(List<Process> nodes, List<Path> logs, Path run, int httpPort) {
        this.nodes = nodes;
        this.logs = logs;
        this.run = run;
        this.httpPort = httpPort;
    }

    /** The HTTP port of the first node. */
    int httpPort() {
        return httpPort;
    }

    /**
     * Starts {@code count} nodes and waits until the cluster is green with all of them.
     *
     * @throws CannotStart the server cannot run here (the message says why)
     */
    static ServerCluster start(int count) throws CannotStart, IOException, InterruptedException {
        Path home = SERVER_FOLDER.resolve("opensearch-" + VERSION).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/opensearch"))) {
            throw new CannotStart("the OpenSearch " + VERSION + " distribution is not unpacked at " + home
                    + "; run the tests through Maven, whose build unpacks it");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root
                && !Files.isExecutable(Path.of("/usr/sbin/runuser"))
                && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            throw new CannotStart(
                    "OpenSearch refuses to run as root and runuser is not available to start it as nobody");
        }
        if (root && !nobodyCanReach(home)) {
            // a checkout under a private folder (such as /root): nobody cannot reach target/, so the
            // distribution is copied once to a shared temporary folder and used from there
            home = sharedCopy(home);
        }
        installKnn(home);
        Path run = Files.createTempDirectory(home.getParent(), "run-");
        if (root) {
            chownToNobody(home);
            chownToNobody(run);
        }
        // every port from one call, all held at once, so no two are the same (two separate calls could hand
        // out a port twice, and a node that cannot bind its port exits)
        int[] ports = freePorts(2 * count);
        int[] http = java.util.Arrays.copyOfRange(ports, 0, count);
        int[] transport = java.util.Arrays.copyOfRange(ports, count, 2 * count);
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add("127.0.0.1:" + transport[i]);
            names.add("node-" + (i + 1));
        }
        List<Process> nodes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        ServerCluster cluster = new ServerCluster(nodes, logs, run, http[0]);
        Thread stopOnExit = new Thread(cluster::stopProcesses);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            for (int i = 0; i < count; i++) {
                Path data = Files.createDirectories(run.resolve(names.get(i)));
                // a configuration folder per node: a node writes its keystore there at start
                Path config = copyFolder(home.resolve("config"), data.resolve("config"));
                if (root) {
                    chownToNobody(data);
                }
                List<String> command = new ArrayList<>();
                if (root) {
                    command.addAll(List.of("runuser", "-u", "nobody", "--"));
                }
                command.addAll(List.of(
                        home.resolve("bin/opensearch").toString(),
                        "-Ecluster.name=quarry-server-test",
                        "-Enode.name=" + names.get(i),
                        "-Enetwork.host=127.0.0.1",
                        "-Ehttp.port=" + http[i],
                        "-Etransport.port=" + transport[i],
                        "-Ediscovery.seed_hosts=" + String.join(",", seeds),
                        "-Ecluster.initial_cluster_manager_nodes=" + String.join(",", names),
                        "-Epath.data=" + data.resolve("data"),
                        "-Epath.logs=" + data.resolve("logs")));
                Path log = run.resolve(names.get(i) + ".out");
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .directory(run.toFile());
                builder.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
                builder.environment().put("OPENSEARCH_JAVA_OPTS", "-Xms1g -Xmx1g");
                builder.environment().put("OPENSEARCH_PATH_CONF", config.toString());
                nodes.add(builder.start());
                logs.add(log);
            }
            cluster.awaitGreen(count);
            return cluster;
        } catch (CannotStart | IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
            throw e;
        }
    }

    private void awaitGreen(int count) throws CannotStart, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        URI health = URI.create("http://127.0.0.1:" + httpPort + "/_cluster/health?wait_for_nodes=" + count
                + "&wait_for_status=green&timeout=5s");
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < nodes.size(); i++) {
                if (!nodes.get(i).isAlive()) {
                    Path serverLog = logs.get(i)
                            .resolveSibling("node-" + (i + 1))
                            .resolve("logs")
                            .resolve("quarry-server-test.log");
                    throw new CannotStart("OpenSearch node " + (i + 1) + " exited with "
                            + nodes.get(i).exitValue() + " before the cluster formed:\n" + tail(logs.get(i))
                            + "\n" + tail(serverLog));
                }
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"status\":\"green\"")) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the node is still starting: its HTTP port opens last; the loop waits on the health call
                // itself (5 s server-side) once it listens
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
        throw new CannotStart("the OpenSearch cluster was not green with " + count + " nodes within " + START_TIMEOUT
                + ":\n" + tail(logs.getFirst()));
    }

    /** Installs the k-NN plugin into the distribution unless an earlier run did. */
    private static void installKnn(Path home) throws CannotStart, IOException, InterruptedException {
        if (Files.isDirectory(home.resolve("plugins/opensearch-knn"))) {
            return;
        }
        Path zip = SERVER_FOLDER.resolve("opensearch-knn-" + VERSION + ".0.zip").toAbsolutePath();
        if (!Files.isRegularFile(zip)) {
            throw new CannotStart("the k-NN plugin is not at " + zip + "; run the tests through Maven, whose build"
                    + " copies it there");
        }
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin/opensearch-plugin").toString(), "install", "--batch", "file:" + zip)
                .redirectErrorStream(true);
        builder.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process install = builder.start();
        String output = new String(install.getInputStream().readAllBytes());
        if (install.waitFor() != 0) {
            throw new CannotStart("installing the k-NN plugin failed:\n" + output);
        }
    }

    private static boolean nobodyCanReach(Path home) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(
                        "runuser",
                        "-u",
                        "nobody",
                        "--",
                        "test",
                        "-x",
                        home.getParent().toString())
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor() == 0;
    }

    private static Path sharedCopy(Path home) throws IOException {
        Path shared = Path.of(
                System.getProperty("java.io.tmpdir"),
                "quarry-opensearch-server",
                home.getFileName().toString());
        if (!Files.isExecutable(shared.resolve("bin/opensearch"))) {
            Files.createDirectories(shared.getParent());
            Path partial = Files.createTempDirectory(shared.getParent(), "copy-");
            copyFolder(home, partial.resolve("home"));
            Files.move(partial.resolve("home"), shared);
        }
        return shared;
    }

    private static Path copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().startsWith("opensearch.keystore")) {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    private static void chownToNobody(Path path) throws IOException, InterruptedException {
        Process chown = new ProcessBuilder("chown", "-R", "nobody", path.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(chown.getInputStream().readAllBytes());
        if (chown.waitFor() != 0) {
            throw new IOException("chown -R nobody " + path + " failed: " + output);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return ports;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops every node (the server processes under {@code runuser} too) and waits for them to end. */
    private void stopProcesses() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process node : nodes) {
            node.toHandle().descendants().forEach(all::add);
            all.add(node.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception stillRunning) {
                handle.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stopProcesses();
        try (Stream<Path> files = Files.walk(run)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the cluster's data under " + run, e);
        }
    }

    /** The server cannot run on this machine; the message says why. */
    static final class CannotStart extends Exception {
        CannotStart(String message) {
            super(message);
        }
    }
}
