package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The BOM lists every library module, the README's build snippet uses the BOM and its artifacts only, and the
 * consumer project the build runs (src/it/consumer) is made of that snippet.
 */
class BomTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Pattern ARTIFACT = Pattern.compile("<artifactId>(quarry-[a-z-]+)</artifactId>");

    /** Modules that are applications or test suites, not libraries a consumer depends on. */
    static final Set<String> NOT_LIBRARIES = Set.of(
            "quarry-parent",
            "quarry-bom",
            "quarry-examples",
            "quarry-examples-spring",
            "quarry-benchmarks",
            "quarry-hostile-tests");

    static final Pattern BLOCK = Pattern.compile(
            "<dependencyManagement>.*?</dependencyManagement>|(?:<!--[^>]*-->\\s*)?<dependency>.*?</dependency>",
            Pattern.DOTALL);

    static String readmeSnippet() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Use it in your build"), readme.indexOf("## What works"));
        return section.substring(section.indexOf("```xml"), section.indexOf("```", section.indexOf("```xml") + 3));
    }

    static Set<String> artifacts(String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = ARTIFACT.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /** The artifact id each module declares (its own, the first after its parent's). */
    static Set<String> moduleArtifacts() throws Exception {
        Set<String> modules = new TreeSet<>();
        try (Stream<Path> poms = Files.list(ROOT)) {
            for (Path pom : poms.map(dir -> dir.resolve("pom.xml"))
                    .filter(Files::isRegularFile)
                    .toList()) {
                List<String> ids = ARTIFACT.matcher(Files.readString(pom))
                        .results()
                        .map(m -> m.group(1))
                        .toList();
                modules.add(ids.get(1));
            }
        }
        return modules;
    }

    @Test
    void theBomListsEveryLibraryModuleAndTheReadmeUsesItsArtifactsOnly() throws Exception {
        Set<String> libraries = new TreeSet<>(moduleArtifacts());
        libraries.removeAll(NOT_LIBRARIES);
        Set<String> inBom = artifacts(Files.readString(ROOT.resolve("bom/pom.xml")));
        inBom.removeAll(Set.of("quarry-parent", "quarry-bom"));
        assertThat(inBom).isEqualTo(libraries);

        String snippet = readmeSnippet();
        assertThat(snippet).contains("<artifactId>quarry-bom</artifactId>").contains("<scope>import</scope>");
        Set<String> used = artifacts(snippet);
        used.remove("quarry-bom");
        assertThat(used).isNotEmpty().isSubsetOf(inBom);
    }

    @Test
    void theConsumerProjectIsTheReadmeSnippet() throws Exception {
        String consumer = flat(Files.readString(Path.of("src/it/consumer/pom.xml")));
        List<String> blocks = BLOCK.matcher(readmeSnippet())
                .results()
                .map(m -> flat(m.group()))
                .toList();

        assertThat(blocks).hasSizeGreaterThan(3);
        assertThat(blocks).allSatisfy(block -> assertThat(consumer).contains(block));
        // the dependencyManagement block contains the BOM's <dependency>: the first block is all of it
        assertThat(blocks.getFirst()).startsWith("<dependencyManagement>").contains("quarry-bom");
    }

    private static String flat(String xml) {
        return xml.replaceAll("\\s+", " ").replaceAll("> <", "><").strip();
    }
}
