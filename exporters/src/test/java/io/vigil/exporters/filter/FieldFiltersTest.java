package io.vigil.exporters.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class FieldFiltersTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode body() throws Exception {
        return (ObjectNode) M.readTree("{\"process\":{\"exec_id\":\"a\",\"pid\":1,\"binary\":\"/b\",\"arguments\":\"x\"},"
                + "\"parent\":{\"exec_id\":\"p\",\"pid\":0},\"args\":[{\"string_arg\":\"s\",\"label\":\"l\"}]}");
    }

    @Test
    void includeKeepsOnlyTheListedPaths() throws Exception {
        FieldFilters f = FieldFilters.parse(
                "{\"event_set\":[\"PROCESS_EXEC\"],\"fields\":\"process.binary, process.pid,args\",\"action\":\"INCLUDE\"}");
        ObjectNode b = body();
        f.apply("PROCESS_EXEC", b);
        assertEquals("{\"process\":{\"pid\":1,\"binary\":\"/b\"},\"args\":[{\"string_arg\":\"s\",\"label\":\"l\"}]}",
                b.toString());
        assertFalse(f.appliesTo("PROCESS_EXIT"), "negative: other event types untouched");
    }

    @Test
    void excludeRemovesPathsAndInvertFlipsTheSet() throws Exception {
        FieldFilters f = FieldFilters.parse("{\"fields\":\"parent,process.arguments,args.label\",\"action\":\"exclude\"}");
        ObjectNode b = body();
        f.apply("PROCESS_KPROBE", b);
        assertEquals("{\"process\":{\"exec_id\":\"a\",\"pid\":1,\"binary\":\"/b\"},\"args\":[{\"string_arg\":\"s\"}]}",
                b.toString());
        FieldFilters inv = FieldFilters.parse(
                "{\"event_set\":[\"PROCESS_EXEC\"],\"invert_event_set\":true,\"fields\":\"parent\",\"action\":\"EXCLUDE\"}");
        assertFalse(inv.appliesTo("PROCESS_EXEC"));
        assertTrue(inv.appliesTo("PROCESS_EXIT"));
    }

    @Test
    void badFieldFiltersAreClearErrors() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FieldFilters.parse("{\"fields\":\"process.pid\"}"));
        assertTrue(e.getMessage().startsWith("--field-filters line 1: missing \"action\""), e.getMessage());
        assertThrows(FilterSyntaxException.class, () -> FieldFilters.parse("{\"fields\":\"a..b\",\"action\":\"INCLUDE\"}"));
        assertThrows(FilterSyntaxException.class, () -> FieldFilters.parse("{\"fields\":\"a\",\"action\":\"KEEP\"}"));
        assertThrows(FilterSyntaxException.class, () -> FieldFilters.parse("{\"fields\":[\"a\"],\"action\":\"INCLUDE\"}"));
    }
}
