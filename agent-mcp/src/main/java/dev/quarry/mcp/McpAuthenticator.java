package dev.quarry.mcp;

import dev.quarry.agent.error.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the bearer token of a request to Quarry's MCP server over HTTP, and says who the caller is.
 *
 * <p>A request without a token is answered 401 (with a {@code WWW-Authenticate: Bearer} challenge), one whose
 * token this authenticator refuses 403; neither answer says anything about the token. An application whose
 * tokens come from an OAuth authorization server validates them here (signature, audience, expiry) and names
 * that server with {@link McpHttpOptions.Builder#authorizationServer}.
 */
@FunctionalInterface
public interface McpAuthenticator {

    /**
     * The caller the token belongs to, or empty to refuse it.
     *
     * @param token the bearer token, never blank
     */
    Optional<String> authenticate(String token);

    /** Accepts exactly this token (compared in constant time), naming its caller "token". */
    static McpAuthenticator token(String expected) {
        Objects.requireNonNull(expected, "token");
        if (expected.isBlank()) {
            throw new ConfigurationException("the MCP bearer token is blank; give a token or leave authentication off");
        }
        byte[] wanted = expected.getBytes(StandardCharsets.UTF_8);
        return token -> MessageDigest.isEqual(wanted, token.getBytes(StandardCharsets.UTF_8))
                ? Optional.of("token")
                : Optional.empty();
    }
}
