package dev.quarry.examples.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, with 403, a request whose {@code Host} is not a loopback name or one of {@code ask.allowed-hosts},
 * or whose browser {@code Origin} is not a loopback one or one of {@code ask.allowed-origins}: a web page the
 * user opens cannot drive the application through DNS rebinding or a cross-site request and read the indexed
 * documents. It runs before Spring Security, so a foreign page learns nothing about authentication either.
 * Deployed behind a proxy under a real name, list that name in {@code ask.allowed-hosts}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class HostAndOriginFilter extends OncePerRequestFilter {

    static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> hosts;
    private final Set<String> origins;

    HostAndOriginFilter(
            @Value("${ask.allowed-hosts:}") List<String> allowedHosts,
            @Value("${ask.allowed-origins:}") List<String> allowedOrigins) {
        this.hosts = new HashSet<>(LOOPBACK);
        allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).forEach(hosts::add);
        this.origins = new HashSet<>();
        allowedOrigins.stream().map(o -> o.strip().toLowerCase(Locale.ROOT)).forEach(origins::add);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String host = request.getHeader("Host");
        if (host == null || !hosts.contains(hostName(host))) {
            refuse(response, "this application answers requests for its own host only; add it to ask.allowed-hosts");
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin.strip().toLowerCase(Locale.ROOT))) {
            refuse(response, "requests from web pages of this origin are refused; add it to ask.allowed-origins");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean originAllowed(String origin) {
        if (origins.contains("*") || origins.contains(origin)) {
            return true;
        }
        try {
            String originHost = URI.create(origin).getHost();
            return originHost != null
                    && LOOPBACK.contains(originHost.startsWith("[") ? originHost : hostName(originHost));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The name of a Host header without its port, lower case; an IPv6 literal keeps its brackets. */
    static String hostName(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end < 0 ? name : name.substring(0, end + 1);
        }
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private static void refuse(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"" + message + "\"}");
    }
}
