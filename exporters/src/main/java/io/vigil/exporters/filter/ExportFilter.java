package io.vigil.exporters.filter;

import io.vigil.api.Event;

/**
 * Tetragon's {@code --export-allowlist} and {@code --export-denylist} together: an event is exported
 * when the allowlist is empty or one of its lines matches, and no denylist line matches (deny wins).
 */
public final class ExportFilter {
    public static final ExportFilter ALLOW_ALL = new ExportFilter(FilterList.EMPTY, FilterList.EMPTY);

    private final FilterList allow;
    private final FilterList deny;

    public ExportFilter(FilterList allow, FilterList deny) {
        this.allow = allow;
        this.deny = deny;
    }

    /** Parses both flags' values (JSON lines); {@code null} or blank means no list. */
    public static ExportFilter parse(String allowlist, String denylist) {
        return new ExportFilter(FilterParser.parse("--export-allowlist", allowlist),
                FilterParser.parse("--export-denylist", denylist));
    }

    public boolean admits(Event e) {
        allow.observe(e);
        deny.observe(e);
        if (!allow.isEmpty() && !allow.matches(e)) {
            return false;
        }
        return deny.isEmpty() || !deny.matches(e);
    }

    public boolean isAllowAll() {
        return allow.isEmpty() && deny.isEmpty();
    }
}
