package dev.quarry.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** agent-core's packages form no cycle, exceptions are a leaf, and no provider SDK or model type leaks in. */
class PackageStructureTest {

    static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.quarry.agent");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.quarry.(**)").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void exceptionsImportNothingElseOfQuarry() {
        noClasses()
                .that()
                .resideInAPackage("dev.quarry.agent.error")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.quarry.agent.error", "java..")
                .check(CORE);
    }

    @Test
    void theCoreUsesNoAwsTypeAndTheSchedulerNoModel() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("software.amazon..")
                .check(CORE);
        noClasses()
                .that()
                .resideInAPackage("dev.quarry.agent.schedule")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.langchain4j.model.chat..")
                .check(CORE);
    }
}
