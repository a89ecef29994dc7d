package dev.quarry.spring;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With Spring Security on the classpath and {@code quarry.security.bearer-token} set, the paths of
 * {@code quarry.security.paths} need {@code Authorization: Bearer <token>}: none is 401 with a
 * {@code WWW-Authenticate: Bearer} challenge, a wrong one 403 ({@code invalid_token}); neither answer says
 * anything about the token. The chain is the bean {@code quarrySecurityFilterChain}; Spring Boot's default
 * chain steps back for it, so paths outside {@code quarry.security.paths} (health, say) are the application's
 * to secure.
 */
@AutoConfiguration(
        beforeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
@ConditionalOnClass(SecurityFilterChain.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "quarry.security", name = "bearer-token")
@EnableConfigurationProperties(QuarrySecurityProperties.class)
public class QuarrySecurityAutoConfiguration {

    /** The chain that asks for the bearer token on Quarry's paths. */
    @Bean
    public SecurityFilterChain quarrySecurityFilterChain(HttpSecurity http, QuarrySecurityProperties properties)
            throws Exception {
        String token = properties.bearerToken();
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("quarry.security.bearer-token is set but blank: give the token callers"
                    + " must send, or remove the property");
        }
        return http.securityMatcher(properties.paths().toArray(String[]::new))
                .authorizeHttpRequests(requests -> requests
                        // a streamed answer's async and error dispatches belong to a request already let in
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, e) -> {
                    response.setHeader("WWW-Authenticate", "Bearer");
                    refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "send Authorization: Bearer <token>");
                }))
                .addFilterBefore(new BearerTokenFilter(token), AnonymousAuthenticationFilter.class)
                .build();
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":" + status + ",\"message\":\"" + message + "\"}");
    }

    /** Authenticates a request whose bearer token is the configured one (compared in constant time). */
    static final class BearerTokenFilter extends OncePerRequestFilter {
        private final byte[] expected;

        BearerTokenFilter(String token) {
            this.expected = token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                chain.doFilter(request, response);
                return;
            }
            byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, given)) {
                response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                refuse(response, HttpServletResponse.SC_FORBIDDEN, "the bearer token is not accepted");
                return;
            }
            SecurityContextHolder.getContext()
                    .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                            "quarry-token", null, List.of(new SimpleGrantedAuthority("ROLE_QUARRY_CALLER"))));
            chain.doFilter(request, response);
        }
    }
}
