package dev.quarry.examples;

import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.mcp.McpHttpOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of {@code quarry mcp --http}: who may call (Host and Origin allow-lists, a bearer token) and the
 * bounds of a call. A bearer token is required by default: from {@code --token-file}, else the
 * {@value #TOKEN_VARIABLE} environment variable, else one generated for this run and printed once to
 * standard error.
 */
final class McpHttpFlags {

    /** The environment variable holding the bearer token when no token file is given. */
    static final String TOKEN_VARIABLE = "QUARRY_MCP_TOKEN";

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to listen on with --http (default: ${DEFAULT-VALUE}, this machine only)")
    String host;

    @Option(
            names = "--allow-remote",
            description = "allow --host to be an address other machines can reach (keep a token on)")
    boolean allowRemote;

    @Option(
            names = "--allowed-host",
            paramLabel = "<name>",
            description = "a Host header accepted besides the loopback names and the bound address (repeatable)")
    List<String> allowedHosts = List.of();

    @Option(
            names = "--allowed-origin",
            paramLabel = "<origin>",
            description = "a browser Origin accepted besides loopback ones, such as https://app.example.com, or *"
                    + " (repeatable)")
    List<String> allowedOrigins = List.of();

    @Option(
            names = "--token-file",
            paramLabel = "<file>",
            description = "file holding the bearer token callers must send (default: $" + TOKEN_VARIABLE
                    + ", else a token generated and printed once)")
    Path tokenFile;

    @Option(
            names = "--no-auth",
            description = "accept callers without a token (loopback testing, the conformance suite)")
    boolean noAuth;

    @Option(
            names = "--max-sessions",
            defaultValue = "32",
            description = "sessions open at once; one more is answered 503 (default: ${DEFAULT-VALUE})")
    int maxSessions;

    @Option(
            names = "--session-idle-timeout",
            defaultValue = "PT10M",
            description = "an idle session is forgotten after this long (ISO-8601, default: ${DEFAULT-VALUE})")
    Duration sessionIdleTimeout;

    @Option(
            names = "--call-timeout",
            defaultValue = "PT5M",
            description = "a tool or ask call is cancelled after this long (ISO-8601, default: ${DEFAULT-VALUE})")
    Duration callTimeout;

    @Option(
            names = "--max-result-chars",
            defaultValue = "100000",
            description = "a result's text is cut at this many characters (default: ${DEFAULT-VALUE})")
    int maxResultChars;

    @Option(
            names = "--max-request-bytes",
            defaultValue = "1048576",
            description = "a request body over this many bytes is answered 413 (default: ${DEFAULT-VALUE})")
    int maxRequestBytes;

    /**
     * The serving options these flags ask for, reading the token from its file or the environment, or
     * generating one and printing it to {@code err}.
     *
     * @throws ParameterException for a token file that cannot be read or is empty, or a bad option value
     */
    McpHttpOptions options(int port, Map<String, String> environment, PrintWriter err, CommandSpec spec) {
        if (noAuth && tokenFile != null) {
            throw new ParameterException(spec.commandLine(), "--no-auth and --token-file contradict each other");
        }
        try {
            McpHttpOptions.Builder builder = configured(port);
            if (!noAuth) {
                builder.build(); // the address and limits are checked before a token is generated and printed
                builder.bearerToken(token(environment, err, spec));
            }
            return builder.build();
        } catch (ConfigurationException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private McpHttpOptions.Builder configured(int port) {
        McpHttpOptions.Builder builder = McpHttpOptions.builder(host, port)
                .allowRemote(allowRemote)
                .maxSessions(maxSessions)
                .sessionIdleTimeout(sessionIdleTimeout)
                .callTimeout(callTimeout)
                .maxResultChars(maxResultChars)
                .maxRequestBytes(maxRequestBytes);
        allowedHosts.forEach(builder::allowedHost);
        allowedOrigins.forEach(builder::allowedOrigin);
        return builder;
    }

    private String token(Map<String, String> environment, PrintWriter err, CommandSpec spec) {
        if (tokenFile != null) {
            try {
                String token = Files.readString(tokenFile).strip();
                if (token.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "the token file " + tokenFile + " is empty");
                }
                return token;
            } catch (IOException e) {
                throw new ParameterException(
                        spec.commandLine(), "cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        }
        String fromEnvironment = environment.getOrDefault(TOKEN_VARIABLE, "").strip();
        if (!fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        err.println("Callers must send 'Authorization: Bearer " + generated + "' (a token generated for this run;"
                + " set $" + TOKEN_VARIABLE + " or --token-file to choose one, --no-auth to accept anyone).");
        return generated;
    }
}
