package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;
import io.vigil.bpf.internal.Hints;
import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.LibBpfLog;
import io.vigil.bpf.internal.Native;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.Pointer;

/**
 * One BPF ELF object (a compiled sensor): open it, choose which programs load
 * ({@link #setAutoload}), share maps with objects loaded before ({@link #reuseMap}), {@link #load}
 * it into the kernel, then attach its programs and use its maps.
 *
 * <p>Programs and maps obtained from an object are valid until the object is closed. Closing the
 * object does not detach links: close the {@link BpfLink}s first (a link keeps its program in the
 * kernel). Not thread-safe: open, configure and load from one thread.
 */
public final class BpfObject implements AutoCloseable {
    private static final Pattern FAILED_PROG = Pattern.compile("prog '([^']+)': .*(?:fail|error)", Pattern.CASE_INSENSITIVE);
    private static final Pattern FAILED_MAP = Pattern.compile("map '([^']+)': .*(?:fail|error)", Pattern.CASE_INSENSITIVE);

    private final LibBpf lib;
    private final String name;
    private Pointer obj;
    private boolean loaded;

    private BpfObject(LibBpf lib, Pointer obj, String name) {
        this.lib = lib;
        this.obj = obj;
        this.name = name;
    }

    /** Opens (parses) an object file; nothing goes into the kernel until {@link #load()}. */
    public static BpfObject open(Path path) throws BpfException {
        LibBpf lib = Native.libbpf();
        String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer p = lib.bpf_object__open_file(path.toString(), null);
            if (p == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot open BPF object " + path, e, Hints.hint(Hints.Phase.OPEN, null, e), log.text());
            }
            return new BpfObject(lib, p, file);
        }
    }

    /**
     * Opens an object shipped on the classpath, e.g. {@code "/bpf/bpf_exec.bpf.o"}: it is copied to
     * a temporary file under its own name (libbpf names the object after the file), opened, and the
     * copy deleted (libbpf has read it whole).
     */
    public static BpfObject openResource(String resource) throws BpfException {
        String res = resource.startsWith("/") ? resource : "/" + resource;
        String file = res.substring(res.lastIndexOf('/') + 1);
        try (InputStream in = BpfObject.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new BpfException("no resource " + res + " on the classpath (build kprobe-bpf with mvn install so that "
                        + "build-bpf.sh compiles src/main/bpf into target/classes/bpf)", Errno.ENOENT);
            }
            Path dir = Files.createTempDirectory("vigil-bpf-");
            Path tmp = dir.resolve(file);
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return open(tmp);
            } finally {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new BpfException("cannot extract " + res + " to a temporary file (" + e.getMessage() + ")", Errno.EIO, e);
        }
    }

    /** The object's file name, e.g. "bpf_exec.bpf.o". */
    public String name() {
        return name;
    }

    public boolean isLoaded() {
        return loaded;
    }

    /** Names of the programs in the object, in ELF order. */
    public List<String> programNames() {
        List<String> out = new ArrayList<>();
        for (Pointer p = lib.bpf_object__next_program(handle(), null); p != null; p = lib.bpf_object__next_program(obj, p)) {
            out.add(lib.bpf_program__name(p));
        }
        return out;
    }

    /** Names of the maps in the object (including libbpf's internal .rodata/.bss maps). */
    public List<String> mapNames() {
        List<String> out = new ArrayList<>();
        for (Pointer m = lib.bpf_object__next_map(handle(), null); m != null; m = lib.bpf_object__next_map(obj, m)) {
            out.add(lib.bpf_map__name(m));
        }
        return out;
    }

    public boolean hasProgram(String program) {
        return lib.bpf_object__find_program_by_name(handle(), program) != null;
    }

    public boolean hasMap(String map) {
        return lib.bpf_object__find_map_by_name(handle(), map) != null;
    }

    /** Chooses whether a program is loaded by {@link #load()} (all are by default). Before load only. */
    public void setAutoload(String program, boolean autoload) {
        Pointer p = programPtr(program);
        if (loaded) {
            throw new IllegalStateException(name + " is already loaded: set autoload before load()");
        }
        int r = lib.bpf_program__set_autoload(p, autoload);
        if (r < 0) {
            throw new IllegalStateException("bpf_program__set_autoload(" + program + "): " + Errno.describe(-r));
        }
    }

    /**
     * Sets the kernel function (fentry/fexit), BTF tracepoint (tp_btf) or LSM hook a program
     * whose section names none attaches to. Before load only: the verifier checks against it.
     */
    public void setAttachTarget(String program, String target) {
        Pointer p = programPtr(program);
        if (loaded) {
            throw new IllegalStateException(name + " is already loaded: set attach targets before load()");
        }
        int r = lib.bpf_program__set_attach_target(p, 0, target);
        if (r < 0) {
            throw new IllegalStateException("bpf_program__set_attach_target(" + program + ", " + target + "): " + Errno.describe(-r));
        }
    }

    public boolean autoload(String program) {
        return lib.bpf_program__autoload(programPtr(program)) != 0;
    }

    /**
     * Makes this object use an existing map (e.g. the {@code events} ring buffer of an object
     * loaded before) instead of creating its own. Before load only; libbpf dups the fd and checks
     * at load that type, key/value size and max_entries match.
     */
    public void reuseMap(String map, int fd) throws BpfException {
        if (loaded) {
            throw new IllegalStateException(name + " is already loaded: reuse maps before load()");
        }
        Pointer m = mapPtr(map);
        int r = lib.bpf_map__reuse_fd(m, fd);
        if (r < 0) {
            throw new BpfException("cannot reuse fd " + fd + " for map '" + map + "' of " + name, -r,
                    -r == Errno.EBADF || -r == Errno.EBADFD || -r == Errno.EINVAL ? "the fd is not an open BPF map" : null, null);
        }
    }

    /**
     * Pins a map at {@code path} on bpffs: at {@link #load} libbpf reuses the map pinned there when
     * its type, sizes and flags match (so its entries outlive this process), else the load fails;
     * when nothing is pinned there it creates the map and pins it. Before load only.
     */
    public void pinMap(String map, java.nio.file.Path path) throws BpfException {
        if (loaded) {
            throw new IllegalStateException(name + " is already loaded: pin maps before load()");
        }
        int r = lib.bpf_map__set_pin_path(mapPtr(map), path.toString());
        if (r < 0) {
            throw new BpfException("cannot set the pin path of map '" + map + "' of " + name + " to " + path, -r);
        }
    }

    /** Creates the maps and loads the autoload programs into the kernel (the verifier runs here). */
    public void load() throws BpfLoadException {
        Pointer o = handle();
        if (loaded) {
            throw new IllegalStateException(name + " is already loaded");
        }
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            int r = lib.bpf_object__load(o);
            if (r < 0) {
                throw loadFailure(-r, log.text());
            }
        }
        loaded = true;
    }

    private BpfLoadException loadFailure(int errno, String log) {
        String program = null;
        Matcher m = FAILED_PROG.matcher(log);
        if (m.find() && hasProgram(m.group(1))) {
            program = m.group(1);
        }
        if (program == null) {
            Matcher mm = FAILED_MAP.matcher(log);
            if (mm.find()) {
                return new BpfLoadException("cannot create map '" + mm.group(1) + "' of " + name, null, errno,
                        Hints.hint(Hints.Phase.LOAD, "map", errno), log);
            }
            List<String> auto = new ArrayList<>();
            for (String p : programNames()) {
                if (autoload(p)) {
                    auto.add(p);
                }
            }
            if (auto.size() == 1) {
                program = auto.get(0);
            }
        }
        String section = program == null ? null : lib.bpf_program__section_name(programPtr(program));
        String what = program == null ? "cannot load " + name
                : "cannot load program '" + program + "' (" + section + ") of " + name;
        return new BpfLoadException(what, program, errno, Hints.hint(Hints.Phase.LOAD, section, errno), log);
    }

    /** A program of this object; attach it after {@link #load()}. */
    public BpfProgram program(String program) {
        return new BpfProgram(this, programPtr(program), program);
    }

    /** A map of this object, after {@link #load()} (before it the map has no fd). */
    public BpfMap map(String map) {
        Pointer m = mapPtr(map);
        if (!loaded) {
            throw new IllegalStateException(name + " is not loaded: maps exist in the kernel only after load()");
        }
        return new BpfMap(this, m, map);
    }

    /** Unloads the object: its maps and programs go unless a link, a pin or another object holds them. Idempotent. */
    @Override
    public void close() {
        if (obj != null) {
            lib.bpf_object__close(obj);
            obj = null;
        }
    }

    public boolean isClosed() {
        return obj == null;
    }

    Pointer handle() {
        if (obj == null) {
            throw new IllegalStateException(name + " is closed");
        }
        return obj;
    }

    LibBpf lib() {
        return lib;
    }

    private Pointer programPtr(String program) {
        Pointer p = lib.bpf_object__find_program_by_name(handle(), program);
        if (p == null) {
            throw new IllegalArgumentException("no program '" + program + "' in " + name + "; it has " + programNames());
        }
        return p;
    }

    private Pointer mapPtr(String map) {
        Pointer m = lib.bpf_object__find_map_by_name(handle(), map);
        if (m == null) {
            throw new IllegalArgumentException("no map '" + map + "' in " + name + "; it has " + mapNames());
        }
        return m;
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + (obj == null ? ", closed" : loaded ? ", loaded" : "") + "]";
    }
}
