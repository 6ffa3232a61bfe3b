package io.vigil.agent.output;

import io.vigil.api.EventSink;
import io.vigil.exporters.file.FileExportOptions;
import io.vigil.exporters.file.JsonFileExporter;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The sinks `vigil run` can write to. */
public final class Outputs {
    private Outputs() {}

    /** Tetragon JSON lines on stdout. */
    public static EventSink stdoutJson() {
        return new JsonLinesSink(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    }

    /** The compact view on stdout, in UTF-8 whatever the locale (the emoji need it). */
    public static EventSink compact() {
        return new CompactSink(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8));
    }

    /** Tetragon JSON lines appended to a file. */
    public static EventSink jsonFile(Path file) throws IOException {
        return JsonFileExporter.open(file);
    }

    /** Tetragon JSON lines to a rotating, filtered file. */
    public static JsonFileExporter jsonFile(Path file, FileExportOptions options) {
        return JsonFileExporter.open(file, options);
    }
}
