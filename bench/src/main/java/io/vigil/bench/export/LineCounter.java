package io.vigil.bench.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Counts the lines of a file that another process appends to, reading only what is new at each call. */
final class LineCounter {
    private final Path file;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    private long position;
    private long lines;

    LineCounter(Path file) {
        this.file = file;
    }

    long lines() throws IOException {
        if (!Files.exists(file)) {
            return lines;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(position);
            int n;
            while ((n = ch.read(buf.clear())) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) == '\n') {
                        lines++;
                    }
                }
                position += n;
            }
        }
        return lines;
    }
}
