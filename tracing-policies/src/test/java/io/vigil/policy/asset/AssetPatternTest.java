// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.policy.SourceLocation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AssetPatternTest {

    private static AssetPattern glob(String g) {
        return new AssetPattern(g, new SourceLocation(Path.of("p.yaml"), 1, 1));
    }

    @Test
    void doubleStarAtTheEndIsAnythingBelowTheDirectory() {
        AssetPattern p = glob("/models/**");
        assertTrue(p.matches("/models/a"));
        assertTrue(p.matches("/models/a/b/c.bin"));
        assertFalse(p.matches("/modelsX/a"), "a sibling sharing the prefix");
        assertFalse(p.matches("/models"), "the directory itself holds no weights");
        assertFalse(p.matches("/other/models/a"));
    }

    @Test
    void doubleStarInTheMiddleIsZeroOrMoreDirectories() {
        AssetPattern p = glob("/srv/weights/**/*.safetensors");
        assertTrue(p.matches("/srv/weights/m.safetensors"));
        assertTrue(p.matches("/srv/weights/llama/7b/m.safetensors"));
        assertFalse(p.matches("/srv/weights/llama/m.safetensors.bak"));
        assertFalse(p.matches("/srv/weights/llama/m.bin"));
        assertFalse(p.matches("/srv/weightsX/m.safetensors"));
    }

    @Test
    void starStaysWithinOneNameAndQuestionMarkIsOneCharacter() {
        AssetPattern star = glob("/models/*.bin");
        assertTrue(star.matches("/models/llama.bin"));
        assertTrue(star.matches("/models/.bin"));
        assertFalse(star.matches("/models/a/llama.bin"));
        AssetPattern one = glob("/models/shard-?.bin");
        assertTrue(one.matches("/models/shard-1.bin"));
        assertFalse(one.matches("/models/shard-10.bin"));
        assertFalse(one.matches("/models/shard-/.bin"));
    }

    @Test
    void otherCharactersAreLiteral() {
        AssetPattern p = glob("/models/a+b (1).bin");
        assertTrue(p.matches("/models/a+b (1).bin"));
        assertFalse(p.matches("/models/aab (1).bin"));
    }

    @Test
    void fixedPrefixIsTheDirectoryBeforeTheFirstWildcard() {
        assertEquals("/models", glob("/models/**").fixedPrefix());
        assertEquals("/srv/weights", glob("/srv/weights/**/*.safetensors").fixedPrefix());
        assertEquals("/models", glob("/models/shard-?.bin").fixedPrefix());
        assertEquals("/", glob("/*.bin").fixedPrefix());
        assertEquals("/models/llama.bin", glob("/models/llama.bin").fixedPrefix(), "no wildcard: the path itself");
    }

    @Test
    void malformedGlobsAreRefusedWithTheReason() {
        assertEquals("asset path 'models/**' must be absolute (start with '/')",
                assertThrows(IllegalArgumentException.class, () -> glob("models/**")).getMessage());
        assertEquals("asset path '/models/a**' has '**' inside a name: write '/**/' or '*'",
                assertThrows(IllegalArgumentException.class, () -> glob("/models/a**")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> glob("/models//a"));
        assertThrows(IllegalArgumentException.class, () -> glob("/models/../etc"));
        assertThrows(IllegalArgumentException.class, () -> glob("/models/"));
        assertThrows(IllegalArgumentException.class, () -> glob("/models/[ab].bin"));
    }
}
