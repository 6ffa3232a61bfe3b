package io.vigil.bpf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the kernel accepted, feature by feature, and the backend that follows from it. */
public final class ProbeReport {
    /** One probed feature: supported, and a short reason ("ok", "EPERM at load", ...). */
    public record Result(Feature feature, boolean supported, String reason, Duration elapsed) {
        public Result {
            if (feature == null || reason == null || elapsed == null) {
                throw new NullPointerException();
            }
        }
    }

    private final Map<Feature, Result> results;
    private final Duration elapsed;

    public ProbeReport(List<Result> results, Duration elapsed) {
        Map<Feature, Result> m = new EnumMap<>(Feature.class);
        for (Result r : results) {
            m.put(r.feature(), r);
        }
        this.results = Collections.unmodifiableMap(m);
        this.elapsed = elapsed;
    }

    /** The results in Feature order (features that were not probed are absent). */
    public List<Result> results() {
        return new ArrayList<>(results.values());
    }

    /** The result for f, or null when f was not probed. */
    public Result result(Feature f) {
        return results.get(f);
    }

    public boolean supported(Feature f) {
        Result r = results.get(f);
        return r != null && r.supported();
    }

    /** The short reason for f ("ok" when supported), or "not probed". */
    public String reason(Feature f) {
        Result r = results.get(f);
        return r == null ? "not probed" : r.reason();
    }

    /** Wall time of the whole probe. */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * FENTRY when fentry and fexit load and attach (LSM is optional: sensors that need it check it
     * themselves), else KPROBE when kprobes attach, else TRACEPOINT.
     */
    public Backend choose() {
        if (supported(Feature.FENTRY) && supported(Feature.FEXIT)) {
            return Backend.FENTRY;
        }
        if (supported(Feature.KPROBE)) {
            return Backend.KPROBE;
        }
        return Backend.TRACEPOINT;
    }

    /** The table `vigil probe` prints: one line per feature with yes/no, the time it took and the reason. */
    public String toTable() {
        int w = "feature".length();
        for (Result r : results.values()) {
            w = Math.max(w, r.feature().displayName().length());
        }
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + w + "s  %-9s  %7s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "feature", "supported", "time", "reason"));
        for (Result r : results.values()) {
            sb.append(String.format(Locale.ROOT, fmt, r.feature().displayName(), r.supported() ? "yes" : "no",
                    String.format(Locale.ROOT, "%.1f ms", r.elapsed().toNanos() / 1e6), r.reason()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toTable() + "backend: " + choose().displayName() + " (probed in " + elapsed.toMillis() + " ms)\n";
    }
}
