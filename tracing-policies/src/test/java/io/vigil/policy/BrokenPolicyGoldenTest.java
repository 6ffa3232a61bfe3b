// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each file in src/test/resources/broken is a realistic mistake; the .errors file beside it holds the
 * exact messages Vigil must give, one per line: {@code line:column: message}, warnings as
 * {@code line:column: warning: message}, in position order.
 */
class BrokenPolicyGoldenTest {

    static Path brokenDir() throws URISyntaxException {
        return Path.of(BrokenPolicyGoldenTest.class.getResource("/broken").toURI());
    }

    static List<Path> brokenFiles() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(brokenDir())) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyBrokenPolicyGivesItsGoldenMessages() throws Exception {
        return brokenFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Path golden = Path.of(file.toString().replaceAll("\\.yaml$", ".errors"));
            assertTrue(Files.exists(golden), "missing golden file " + golden.getFileName());
            LoadResult result = PolicyLoader.load(file);

            assertFalse(result.ok(), "a broken policy must not load");
            assertTrue(result.policies().isEmpty() && result.assetPolicies().isEmpty(),
                    "a file with an error loads no policy at all");
            assertEquals(Files.readString(golden), render(result),
                    "messages of " + file.getFileName() + " (expected: the .errors file beside it)");
        }));
    }

    /** Errors and warnings merged in position order; an error before a warning at the same place. */
    static String render(LoadResult r) {
        record Line(int line, int column, int kind, String text) {}
        List<Line> lines = new ArrayList<>();
        r.errors().forEach(e -> lines.add(new Line(e.line(), e.column(), 0, e.message())));
        r.warnings().forEach(w -> lines.add(new Line(w.line(), w.column(), 1, "warning: " + w.message())));
        lines.sort(Comparator.comparingInt(Line::line).thenComparingInt(Line::column).thenComparingInt(Line::kind));
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.line()).append(':').append(l.column()).append(": ").append(l.text()).append('\n'));
        return sb.toString();
    }

    @Test
    void errorsAreNamedFileLineColumnAndSortedByPosition() throws Exception {
        LoadResult r = PolicyLoader.load(brokenDir().resolve("limits.yaml"));

        List<PolicyError> errors = r.errors();
        for (int i = 1; i < errors.size(); i++) {
            PolicyError a = errors.get(i - 1);
            PolicyError b = errors.get(i);
            assertTrue(a.line() < b.line() || (a.line() == b.line() && a.column() <= b.column()), "sorted: " + errors);
        }
        assertEquals(brokenDir().resolve("limits.yaml") + ":38:9: selector has 6 matchArgs and matchData filters;"
                + " at most 5 are allowed per selector", errors.get(0).toString());
    }
}
