package io.vigil.bench;

import io.vigil.exporters.file.BackupFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a log shipper does to the export file's rotated backups, for PipelineBench: reads each one as
 * soon as it appears, counts its lines and the bench's lines, then deletes it. So the bench runs the
 * agent's rotation (10 MB files) and still checks every line, and the page cache recycles the pages
 * of deleted backups as it does under the agent's pruning, instead of growing one file by gigabytes.
 */
final class BenchLineShipper implements AutoCloseable {
    private final Path file;
    private final byte[] marker;
    private final Thread thread;
    private volatile boolean stop;
    private volatile IOException failure;
    private long lines;
    private long benchLines;
    private long bytes;
    private long files;

    BenchLineShipper(Path file, String benchFlags) {
        this.file = file;
        this.marker = ("\"flags\":\"" + benchFlags + "\"").getBytes(StandardCharsets.US_ASCII);
        this.thread = new Thread(this::run, "bench-shipper");
        this.thread.setDaemon(true);
    }

    BenchLineShipper start() {
        thread.start();
        return this;
    }

    private void run() {
        while (!stop) {
            try {
                shipBackups();
                Thread.sleep(100);
            } catch (IOException e) {
                failure = e;
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void shipBackups() throws IOException {
        for (List<Path> backup : new BackupFiles(file).list()) {
            for (Path p : backup) {
                count(p);
                Files.delete(p);
            }
        }
    }

    /** Stops the thread, ships the backups left and counts the current file. */
    @Override
    public void close() throws IOException, InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join();
        if (failure != null) {
            throw failure;
        }
        shipBackups();
        if (Files.exists(file)) {
            count(file);
        }
    }

    private void count(Path p) throws IOException {
        files++;
        bytes += Files.size(p);
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            int match = 0;
            boolean lineHasMarker = false;
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        lines++;
                        if (lineHasMarker) {
                            benchLines++;
                        }
                        lineHasMarker = false;
                        match = 0;
                        continue;
                    }
                    if (!lineHasMarker) {
                        match = b == marker[match] ? match + 1 : (b == marker[0] ? 1 : 0);
                        if (match == marker.length) {
                            lineHasMarker = true;
                        }
                    }
                }
            }
        }
    }

    long lines() {
        return lines;
    }

    long benchLines() {
        return benchLines;
    }

    long bytes() {
        return bytes;
    }

    long files() {
        return files;
    }
}
