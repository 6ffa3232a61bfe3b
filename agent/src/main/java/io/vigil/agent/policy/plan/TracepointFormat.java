package io.vigil.agent.policy.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a tracepoint's record, parsed from its tracefs format file. Tetragon numbers a
 * tracepoint's arguments by position in this list, the common_* fields included.
 */
public record TracepointFormat(List<Field> fields) {
    private static final Pattern FIELD = Pattern.compile(
            "^\\s*field:(.+?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d+);");

    public TracepointFormat {
        fields = List.copyOf(fields);
    }

    /** @param declaration the C declaration, e.g. "const char * filename" */
    public record Field(String declaration, String name, int offset, int size, boolean signed) {
        public boolean isPointer() {
            return declaration.contains("*");
        }

        public boolean isDataLoc() {
            return declaration.startsWith("__data_loc");
        }
    }

    public static TracepointFormat parse(String text) {
        List<Field> fields = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = FIELD.matcher(line);
            if (m.find()) {
                String decl = m.group(1).trim();
                String name = decl.replaceAll("\\[.*]$", "").replaceAll(".*[\\s*]", "");
                fields.add(new Field(decl, name, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        m.group(4).equals("1")));
            }
        }
        return new TracepointFormat(fields);
    }
}
