package dev.quarry.mcp;

import dev.quarry.agent.error.ConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link QuarryMcpServer#serveHttp(McpHttpOptions)} serves streamable HTTP: where it listens, whom it
 * answers and how much it takes.
 *
 * <p>The defaults are for a local server: it listens on 127.0.0.1, answers only requests whose {@code Host}
 * is a loopback name or the bound address and whose {@code Origin}, when a browser sends one, is on such a
 * host (a web page the user opens cannot drive it through DNS rebinding), and it takes bodies of up to 1 MiB,
 * 32 sessions at once, forgets a session idle for 10 minutes, ends a call after 5 minutes and cuts a result
 * at 100,000 characters. Listening on any other address needs {@link Builder#allowRemote(boolean)}.
 * Authentication is off unless {@link Builder#bearerToken(String)} or {@link Builder#authenticator} is set.
 */
public final class McpHttpOptions {

    /** The loopback names every server answers to, whatever it is bound to. */
    public static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    private final String host;
    private final int port;
    private final boolean allowRemote;
    private final List<String> allowedHosts;
    private final List<String> allowedOrigins;
    private final McpAuthenticator authenticator;
    private final URI authorizationServer;
    private final int maxRequestBytes;
    private final int maxSessions;
    private final Duration sessionIdleTimeout;
    private final Duration callTimeout;
    private final int maxResultChars;

    private McpHttpOptions(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.allowRemote = builder.allowRemote;
        List<String> hosts = new ArrayList<>(LOOPBACK_HOSTS);
        hosts.add(bracketed(builder.host));
        builder.allowedHosts.forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        this.allowedHosts = List.copyOf(hosts.stream().distinct().toList());
        this.allowedOrigins = List.copyOf(builder.allowedOrigins);
        this.authenticator = builder.authenticator;
        this.authorizationServer = builder.authorizationServer;
        this.maxRequestBytes = builder.maxRequestBytes;
        this.maxSessions = builder.maxSessions;
        this.sessionIdleTimeout = builder.sessionIdleTimeout;
        this.callTimeout = builder.callTimeout;
        this.maxResultChars = builder.maxResultChars;
    }

    /** Options for listening on {@code host:port} (0 for any free port), the other settings at their defaults. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** The address listened on. */
    public String host() {
        return host;
    }

    /** The port asked for (0: any free one). */
    public int port() {
        return port;
    }

    /** Whether a non-loopback address may be listened on. */
    public boolean allowRemote() {
        return allowRemote;
    }

    /** Host names (without port) whose requests are answered: the loopback names, the bound address, and any added. */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /**
     * Origins (scheme://host[:port]) answered besides those on an allowed host; {@code "*"} answers every
     * origin (only sensible behind authentication).
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Who checks bearer tokens, if anyone. */
    public Optional<McpAuthenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    /** The OAuth authorization server named in the protected-resource metadata, if one issues the tokens. */
    public Optional<URI> authorizationServer() {
        return Optional.ofNullable(authorizationServer);
    }

    /** The largest request body taken, in bytes; a larger one is answered 413. */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /** How many sessions may be open at once; one more initialize is answered 503. */
    public int maxSessions() {
        return maxSessions;
    }

    /** How long a session with nothing in flight is kept; after it, its requests are answered 404. */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** How long one tool or agent call may take before it is cancelled and answered with an error result. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** The longest result text a client gets; longer ones are cut with a marker saying how much was left out. */
    public int maxResultChars() {
        return maxResultChars;
    }

    /** Whether the bound address is a loopback address (or a loopback name). */
    public boolean loopback() {
        return isLoopback(host);
    }

    static boolean isLoopback(String host) {
        if (LOOPBACK_HOSTS.contains(bracketed(host).toLowerCase(Locale.ROOT))) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An IPv6 literal as it appears in a Host header, in brackets; other hosts as they are. */
    static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host.toLowerCase(Locale.ROOT);
    }

    /** Configures {@link McpHttpOptions}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private boolean allowRemote;
        private final List<String> allowedHosts = new ArrayList<>();
        private final List<String> allowedOrigins = new ArrayList<>();
        private McpAuthenticator authenticator;
        private URI authorizationServer;
        private int maxRequestBytes = 1 << 20;
        private int maxSessions = 32;
        private Duration sessionIdleTimeout = Duration.ofMinutes(10);
        private Duration callTimeout = Duration.ofMinutes(5);
        private int maxResultChars = 100_000;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new ConfigurationException("MCP HTTP port must be 0..65535, got " + port);
            }
            this.port = port;
        }

        /** Allows listening on a non-loopback address (without it, build() refuses one). */
        public Builder allowRemote(boolean allow) {
            this.allowRemote = allow;
            return this;
        }

        /** Answers requests whose Host header names this host too (a name clients reach this server by). */
        public Builder allowedHost(String name) {
            allowedHosts.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /** Answers browser requests from this origin too ({@code https://app.example.com}), or every one with "*". */
        public Builder allowedOrigin(String origin) {
            allowedOrigins.add(Objects.requireNonNull(origin, "origin").toLowerCase(Locale.ROOT));
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} with this token on every request. */
        public Builder bearerToken(String token) {
            return authenticator(McpAuthenticator.token(token));
        }

        /** Requires a bearer token that this authenticator accepts (a JWT check, a token table...). */
        public Builder authenticator(McpAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Names the OAuth authorization server that issues the tokens, served as protected-resource metadata
         * (RFC 9728) at {@code /.well-known/oauth-protected-resource} and pointed to by every 401, as the MCP
         * authorization specification asks of a resource server.
         */
        public Builder authorizationServer(URI issuer) {
            this.authorizationServer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /** The largest request body taken (default 1 MiB). */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = positive(bytes, "maxRequestBytes");
            return this;
        }

        /** How many sessions may be open at once (default 32). */
        public Builder maxSessions(int sessions) {
            this.maxSessions = positive(sessions, "maxSessions");
            return this;
        }

        /** How long an idle session is kept (default 10 minutes). */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = positive(timeout, "sessionIdleTimeout");
            return this;
        }

        /** How long one call may take (default 5 minutes). */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /** The longest result text a client gets (default 100,000 characters). */
        public Builder maxResultChars(int chars) {
            this.maxResultChars = positive(chars, "maxResultChars");
            return this;
        }

        /**
         * The options.
         *
         * @throws ConfigurationException for a non-loopback address without {@link #allowRemote(boolean)}, or
         *     an authorization server without an authenticator to check its tokens
         */
        public McpHttpOptions build() {
            if (!allowRemote && !isLoopback(host)) {
                throw new ConfigurationException("MCP over HTTP on " + host + " would be reachable from other"
                        + " machines; listen on 127.0.0.1, or allow it explicitly (allowRemote(true), quarry mcp"
                        + " --allow-remote) and turn authentication on");
            }
            if (authorizationServer != null && authenticator == null) {
                throw new ConfigurationException("an authorization server is named but no authenticator checks"
                        + " its tokens: set authenticator(...) too");
            }
            return new McpHttpOptions(this);
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new ConfigurationException(name + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            if (Objects.requireNonNull(value, name).isNegative() || value.isZero()) {
                throw new ConfigurationException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
