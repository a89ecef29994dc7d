package dev.quarry.spring;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer-token protection of an application's Quarry endpoints ({@code quarry.security.*}), applied with
 * Spring Security when it is on the classpath.
 *
 * @param bearerToken the token callers send as {@code Authorization: Bearer <token>}; when the property is
 *     set it must not be blank, and without it Quarry configures no security
 * @param paths the request paths it protects (Ant-style patterns, default {@code /**}); others are left to
 *     the application
 */
@ConfigurationProperties("quarry.security")
public record QuarrySecurityProperties(
        String bearerToken, @DefaultValue("/**") List<String> paths) {}
