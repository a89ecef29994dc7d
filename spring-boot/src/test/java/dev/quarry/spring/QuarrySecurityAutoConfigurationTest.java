package dev.quarry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.web.SecurityFilterChain;

/** When Quarry's Spring Security chain is made, and a blank token refused at start (the example tests the HTTP side). */
class QuarrySecurityAutoConfigurationTest {

    final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    QuarrySecurityAutoConfiguration.class,
                    SecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class));

    @Test
    void aTokenMakesQuarrysChainAndBootsDefaultStepsBack() {
        runner.withPropertyValues("quarry.security.bearer-token=t0ken", "quarry.security.paths=/ask/**")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(SecurityFilterChain.class))
                            .containsOnlyKeys("quarrySecurityFilterChain");
                });
    }

    @Test
    void withoutTheTokenPropertyQuarryAddsNoChain() {
        runner.run(context -> assertThat(context).doesNotHaveBean("quarrySecurityFilterChain"));
    }

    @Test
    void aBlankTokenFailsTheStartNamingTheProperty() {
        runner.withPropertyValues("quarry.security.bearer-token= ")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("quarry.security.bearer-token is set but blank"));
    }
}
