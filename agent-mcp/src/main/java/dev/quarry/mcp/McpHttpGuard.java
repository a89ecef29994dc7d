package dev.quarry.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of the MCP servlet and answers, before the protocol sees a byte: a Host or Origin that is
 * not allowed (403, against DNS rebinding), a missing (401) or refused (403) bearer token, a body over the
 * limit (413), and, through {@link McpSessionLimits}, one session too many (503) or an expired one (404).
 * Its answers are JSON-RPC errors with a short reason and nothing about the token or the server.
 */
final class McpHttpGuard implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(McpHttpGuard.class);

    /** The request attribute under which the caller's identity is kept for the call handlers. */
    static final String CALLER = "dev.quarry.mcp.caller";

    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private final McpHttpOptions options;
    private final McpSessionLimits sessions;

    McpHttpGuard(McpHttpOptions options, McpSessionLimits sessions) {
        this.options = options;
        this.sessions = sessions;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        String host = hostName(request.getHeader("Host"));
        if (host == null || !options.allowedHosts().contains(host)) {
            LOG.debug("refused a request for Host {}", request.getHeader("Host"));
            refuse(response, 403, "Forbidden: this server does not answer for that Host");
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin)) {
            LOG.debug("refused a request from Origin {}", origin);
            refuse(response, 403, "Forbidden: this server does not answer requests from that Origin");
            return;
        }
        if (request.getRequestURI().equals(METADATA_PATH)) {
            serveMetadata(request, response);
            return;
        }
        Optional<String> caller = authenticate(request, response);
        if (caller.isEmpty()) {
            return;
        }
        request.setAttribute(CALLER, caller.get());
        if (!"POST".equals(request.getMethod())) {
            sessions.handle(request, response, null, chain);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(options.maxRequestBytes() + 1);
        if (body.length > options.maxRequestBytes()) {
            refuse(response, 413, "Request body over the limit of " + options.maxRequestBytes() + " bytes");
            return;
        }
        sessions.handle(new BufferedBody(request, body), response, message(body), chain);
    }

    /** The caller, or empty when the request was answered 401 or 403 here. */
    private Optional<String> authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (options.authenticator().isEmpty()) {
            return Optional.of("anonymous");
        }
        String header = request.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : "";
        if (token.isEmpty()) {
            response.setHeader("WWW-Authenticate", challenge(request, null));
            refuse(response, 401, "Unauthorized: send Authorization: Bearer <token>");
            return Optional.empty();
        }
        Optional<String> caller = options.authenticator().get().authenticate(token);
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", challenge(request, "invalid_token"));
            refuse(response, 403, "Forbidden: the token is not accepted");
        }
        return caller;
    }

    private String challenge(HttpServletRequest request, String error) {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"quarry\"");
        if (error != null) {
            challenge.append(", error=\"").append(error).append('"');
        }
        if (options.authorizationServer().isPresent()) {
            challenge
                    .append(", resource_metadata=\"")
                    .append(base(request))
                    .append(METADATA_PATH)
                    .append('"');
        }
        return challenge.toString();
    }

    /** RFC 9728 protected-resource metadata: which authorization server issues tokens for this server. */
    private void serveMetadata(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (options.authorizationServer().isEmpty()) {
            response.sendError(404);
            return;
        }
        response.setStatus(200);
        response.setContentType("application/json");
        response.getOutputStream()
                .write(Json.MAPPER.writeValueAsBytes(Map.of(
                        "resource",
                        base(request) + "/mcp",
                        "authorization_servers",
                        List.of(options.authorizationServer().get().toString()),
                        "bearer_methods_supported",
                        List.of("header"))));
    }

    private static String base(HttpServletRequest request) {
        return request.getScheme() + "://" + request.getHeader("Host");
    }

    private boolean originAllowed(String origin) {
        if (options.allowedOrigins().contains("*")
                || options.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT))) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            return uri.getHost() != null
                    && ("http".equals(scheme) || "https".equals(scheme))
                    && options.allowedHosts()
                            .contains(McpHttpOptions.bracketed(uri.getHost()).toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The host name of a Host header without its port, lower case; IPv6 literals keep their brackets. */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? null : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** The JSON-RPC message of a request body, or null when it is not one message with a method. */
    private static JsonNode message(byte[] body) {
        try {
            JsonNode message = Json.MAPPER.readTree(body);
            return message != null && message.path("method").isTextual() ? message : null;
        } catch (IOException e) {
            return null; // the protocol layer answers the parse error itself
        }
    }

    static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("jsonrpc", "2.0");
        error.put("id", null);
        error.put("error", Map.of("code", -32000, "message", message));
        byte[] body = Json.MAPPER.writeValueAsBytes(error);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The request with its body already read, so the protocol layer reads it again from memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was already read");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
