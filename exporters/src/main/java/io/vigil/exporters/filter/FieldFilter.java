package io.vigil.exporters.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One of Tetragon's field filters: a field mask applied to the body of the events in its event set.
 * {@code INCLUDE} keeps only the listed fields, {@code EXCLUDE} removes them. Paths are relative to
 * the body ({@code process.binary}, {@code parent}, {@code args}); naming a message keeps or removes
 * all of it. node_name and time (the envelope) are never touched.
 *
 * @param eventSet       event types it applies to ({@link EventTypes} names); empty: all
 * @param invertEventSet apply to the types not in the set instead
 * @param include        true for INCLUDE, false for EXCLUDE
 * @param fields         the field mask, as a tree of path segments
 */
public record FieldFilter(Set<String> eventSet, boolean invertEventSet, boolean include, Node fields) {

    /** A field mask: children by field name; a leaf selects the whole subtree. */
    public static final class Node {
        final Map<String, Node> children = new HashMap<>();

        boolean isLeaf() {
            return children.isEmpty();
        }

        public static Node of(List<String> paths) {
            Node root = new Node();
            for (String path : paths) {
                Node n = root;
                for (String seg : path.split("\\.")) {
                    if (n != root && n.isLeaf() && n.selectsAll) {
                        break; // a shorter path already selects all of it
                    }
                    n = n.children.computeIfAbsent(seg, k -> new Node());
                }
                n.children.clear();
                n.selectsAll = true;
            }
            return root;
        }

        boolean selectsAll;
    }

    public boolean appliesTo(String eventType) {
        boolean in = eventSet.isEmpty() || eventSet.contains(eventType);
        return invertEventSet != in;
    }

    /** Applies the mask to the event body, in place. */
    public void apply(ObjectNode body) {
        if (include) {
            keepOnly(body, fields);
        } else {
            remove(body, fields);
        }
    }

    private static void keepOnly(ObjectNode obj, Node mask) {
        List<String> drop = new ArrayList<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            Node sub = mask.children.get(name);
            if (sub == null) {
                drop.add(name);
            } else if (!sub.selectsAll) {
                JsonNode v = obj.get(name);
                if (v instanceof ObjectNode o) {
                    keepOnly(o, sub);
                } else if (v.isArray()) {
                    for (JsonNode el : v) {
                        if (el instanceof ObjectNode o) {
                            keepOnly(o, sub);
                        }
                    }
                }
            }
        }
        obj.remove(drop);
    }

    private static void remove(ObjectNode obj, Node mask) {
        for (Map.Entry<String, Node> c : mask.children.entrySet()) {
            JsonNode v = obj.get(c.getKey());
            if (v == null) {
                continue;
            }
            if (c.getValue().selectsAll) {
                obj.remove(c.getKey());
            } else if (v instanceof ObjectNode o) {
                remove(o, c.getValue());
            } else if (v.isArray()) {
                for (JsonNode el : v) {
                    if (el instanceof ObjectNode o) {
                        remove(o, c.getValue());
                    }
                }
            }
        }
    }
}
