// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.internal.yaml.Position;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Positions of the model's records, kept beside the model so the records stay plain values: the
 * binder records where each record and each of its fields was read, the validator asks. Keyed by
 * identity, so two equal records read at different places keep their own positions.
 */
public final class SourceMap {

    private final Map<Object, Entry> entries = new IdentityHashMap<>();

    private static final class Entry {
        final Position position;
        final Map<String, Position> fields = new HashMap<>();

        Entry(Position position) {
            this.position = position;
        }
    }

    /** Records where {@code record} was read and where each field the reader saw was. */
    public void put(Object record, Fields fields) {
        Entry e = new Entry(fields.position());
        e.fields.putAll(fields.positions());
        entries.put(record, e);
    }

    /** Adds the position of a field read elsewhere (e.g. metadata.name for the policy). */
    public void field(Object record, String field, Position position) {
        Entry e = entries.computeIfAbsent(record, r -> new Entry(position));
        e.fields.put(field, position);
    }

    public void put(Object record, Position position) {
        entries.put(record, new Entry(position));
    }

    /** Where the record starts; (1,1) for a record the binder did not register. */
    public Position of(Object record) {
        Entry e = entries.get(record);
        return e == null ? Position.FILE : e.position;
    }

    /** Where the value of {@code field} is, or the record's own position when the field is absent. */
    public Position value(Object record, String field) {
        return lookup(record, field);
    }

    /** Where the key {@code field:} is written, or the record's position. */
    public Position key(Object record, String field) {
        return lookup(record, field + Fields.KEY_SUFFIX);
    }

    /** Where item {@code i} of a list field is, or where the field is. */
    public Position item(Object record, String field, int i) {
        Entry e = entries.get(record);
        if (e != null) {
            Position p = e.fields.get(field + "[" + i + "]");
            if (p != null) {
                return p;
            }
        }
        return value(record, field);
    }

    public boolean has(Object record, String field) {
        Entry e = entries.get(record);
        return e != null && e.fields.containsKey(field);
    }

    private Position lookup(Object record, String field) {
        Entry e = entries.get(record);
        if (e == null) {
            return Position.FILE;
        }
        return e.fields.getOrDefault(field, e.position);
    }
}
