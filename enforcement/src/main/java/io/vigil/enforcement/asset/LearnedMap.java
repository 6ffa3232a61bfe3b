package io.vigil.enforcement.asset;

/** Where learned entries go: asset_learned, or a map in a test. Keys and values in the C layout. */
public interface LearnedMap {
    /** Insert or replace (BPF_ANY). */
    void put(byte[] key, byte[] value);

    /** Delete; an absent key is not an error. */
    void delete(byte[] key);
}
