// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The shipped library (tracing-policies/library) loads cleanly: no error, no warning, unique names. */
class LibraryPoliciesTest {

    static final Path LIBRARY = Path.of("library");

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(LIBRARY)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyPolicyLoadsWithoutWarnings() throws IOException {
        return files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            LoadResult r = PolicyLoader.load(f);
            assertEquals(List.of(), r.errors(), "errors in " + f);
            assertEquals(List.of(), r.warnings(), "warnings in " + f);
            assertEquals(1, r.policies().size());
            TracingPolicy p = r.policies().get(0);
            assertEquals(f.getFileName().toString().replaceFirst("\\.yaml$", ""), p.name(),
                    "a library policy is named after its file");
            assertFalse(p.spec().hooks().isEmpty(), "a policy without hooks");
        }));
    }

    @Test
    void namesAreUniqueAndTheLibraryIsNotEmpty() throws IOException {
        Set<String> names = new HashSet<>();
        for (Path f : files()) {
            for (TracingPolicy p : PolicyLoader.load(f).policies()) {
                assertTrue(names.add(p.name()), "duplicate policy name " + p.name());
            }
        }
        assertTrue(names.size() >= 8, "library has " + names.size() + " policies");
    }
}
