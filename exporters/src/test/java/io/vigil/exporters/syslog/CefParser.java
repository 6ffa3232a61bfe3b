package io.vigil.exporters.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, independent CEF reader for the tests: splits the 7 header fields on unescaped pipes and
 * the extension on unescaped '=' whose key is the last word before it, unescaping as the CEF spec says.
 */
final class CefParser {
    record Cef(List<String> header, Map<String, String> ext) {
        String get(String key) {
            return ext.get(key);
        }
    }

    static Cef parse(String line) {
        if (!line.startsWith("CEF:")) {
            throw new IllegalArgumentException("not CEF: " + line);
        }
        List<String> header = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 4;
        while (header.size() < 7) {
            if (i >= line.length()) {
                throw new IllegalArgumentException("short header: " + line);
            }
            char c = line.charAt(i++);
            if (c == '\\' && i < line.length()) {
                char n = line.charAt(i++);
                if (n != '\\' && n != '|') {
                    throw new IllegalArgumentException("bad header escape \\" + n);
                }
                cur.append(n);
            } else if (c == '|') {
                header.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        String ext = line.substring(i);
        // positions of unescaped '=' and their keys
        List<int[]> keys = new ArrayList<>(); // {keyStart, eqPos}
        for (int j = 0; j < ext.length(); j++) {
            char c = ext.charAt(j);
            if (c == '\\') {
                j++;
                continue;
            }
            if (c == '=') {
                int k = j - 1;
                while (k >= 0 && (Character.isLetterOrDigit(ext.charAt(k)) || ext.charAt(k) == '_')) {
                    k--;
                }
                if (k >= 0 && ext.charAt(k) != ' ') {
                    throw new IllegalArgumentException("unescaped '=' inside a value at " + j + ": " + ext);
                }
                keys.add(new int[] {k + 1, j});
            }
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int n = 0; n < keys.size(); n++) {
            int[] kv = keys.get(n);
            int end = n + 1 < keys.size() ? keys.get(n + 1)[0] - 1 : ext.length();
            String raw = ext.substring(kv[1] + 1, end);
            if (map.put(ext.substring(kv[0], kv[1]), unescape(raw)) != null) {
                throw new IllegalArgumentException("key twice: " + ext.substring(kv[0], kv[1]));
            }
        }
        return new Cef(header, map);
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case '\\', '=' -> b.append(n);
                    default -> throw new IllegalArgumentException("bad extension escape \\" + n);
                }
            } else if (c == '\n' || c == '\r') {
                throw new IllegalArgumentException("raw line break in a value");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
