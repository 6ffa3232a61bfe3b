package io.vigil.exporters.filter;

/**
 * A filter given on the command line (or in a file) that does not parse: names the flag, the line
 * (1-based, lines are JSON objects as in Tetragon) and what is wrong, so the message can be shown as is.
 */
public final class FilterSyntaxException extends IllegalArgumentException {
    private final String source;
    private final int line;

    public FilterSyntaxException(String source, int line, String problem) {
        super(source + " line " + line + ": " + problem);
        this.source = source;
        this.line = line;
    }

    /** The flag or file the filter came from, e.g. {@code --export-allowlist}. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending JSON object. */
    public int line() {
        return line;
    }
}
