// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Cilium's matchPattern semantics (https://docs.cilium.io/en/stable/security/policy/language/#dns-based;
 * pkg/fqdn/matchpattern.ToRegexp): '*' alone is every name, elsewhere it is [-a-z0-9_]* within a label.
 */
class FqdnPatternTest {

    @Test
    void leadingStarIsExactlyOneLabelAndNotTheApex() {
        FqdnPattern p = FqdnPattern.compile("*.openai.azure.com");
        assertTrue(p.matches("eastus.openai.azure.com"));
        assertFalse(p.matches("openai.azure.com"), "the apex has no label for '*.'");
        assertFalse(p.matches("a.eastus.openai.azure.com"), "'*' does not cross a dot");
        assertFalse(p.matches("eastus.openai.azure.com.evil.net"));
        assertFalse(p.matches("eastusopenai.azure.com"));
    }

    @Test
    void starInsideALabelMatchesZeroOrMoreCharacters() {
        FqdnPattern p = FqdnPattern.compile("api*.example.com");
        assertTrue(p.matches("api.example.com"));
        assertTrue(p.matches("api-eu-1.example.com"));
        assertFalse(p.matches("api.eu.example.com"));
    }

    @Test
    void starAloneMatchesEveryName() {
        FqdnPattern p = FqdnPattern.compile("*");
        assertTrue(p.matches("a.b.c.example.com"));
        assertTrue(p.matches("localhost"));
        assertFalse(p.matches("a..b"));
    }

    @Test
    void caseAndTrailingDotDoNotMatter() {
        FqdnPattern p = FqdnPattern.compile("Models.Example.COM.");
        assertEquals("models.example.com", p.pattern());
        assertTrue(p.matches("MODELS.example.com."));
        assertTrue(p.matches("models.example.com"));
        assertFalse(p.matches("xmodels.example.com"));
    }

    @Test
    void invalidPatternsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile(""));
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile("exa mple.com"));
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile("a..com"));
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile(".example.com"));
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile("**.example.com"));
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile("example.com/path"));
        assertThrows(IllegalArgumentException.class, () -> FqdnPattern.compile("a".repeat(254)));
    }
}
