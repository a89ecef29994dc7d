package dev.quarry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.testkit.ScriptedChatModel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code @Tool} class compiled without {@code -parameters} (as many builds are) and without {@code @P}
 * names fails at {@code build()} with a message that says how to fix it, instead of the model being told
 * that {@code arg0} is required. The class is compiled here, by the JDK's compiler, without the flag.
 */
class ParameterNamesTest {

    @TempDir
    Path dir;

    Object compiledWithoutParameterNames() throws Exception {
        Path source = Files.writeString(dir.resolve("Weather.java"), """
                public class Weather {
                    @dev.langchain4j.agent.tool.Tool("The weather in a city")
                    public String weather(String city) { return "sunny in " + city; }
                }
                """);
        int exit = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-classpath",
                        System.getProperty("java.class.path"),
                        "-d",
                        dir.toString(),
                        source.toString());
        assertThat(exit).isZero();
        URLClassLoader loader =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass("Weather").getConstructor().newInstance();
    }

    @Test
    void aToolClassWithoutParameterNamesIsAConfigurationErrorThatSaysHowToFixIt() throws Exception {
        Object tools = compiledWithoutParameterNames();
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .toolsFrom(tools)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Weather.weather")
                .hasMessageContaining("-parameters")
                .hasMessageContaining("@P(name");
        assertThat(List.of(tools.getClass().getMethods()))
                .anySatisfy(m -> assertThat(m.getName()).isEqualTo("weather"));
    }
}
