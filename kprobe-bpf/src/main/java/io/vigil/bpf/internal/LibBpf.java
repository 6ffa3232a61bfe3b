package io.vigil.bpf.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/**
 * The raw jnr-ffi binding to libbpf.so.1 (signatures as in libbpf 1.1's libbpf.h, bpf.h and btf.h).
 *
 * <p>libbpf 1.x conventions: functions returning a pointer return NULL and set errno on error;
 * functions returning int return a negative errno (and set errno too). Opaque libbpf structs
 * (bpf_object, bpf_program, bpf_map, bpf_link, ring_buffer, btf) are plain {@link Pointer}s.
 * Obtain the instance from {@link Native#libbpf()}, which also installs the print callback.
 */
@SaveError
public interface LibBpf {

    /** libbpf_print_fn_t: (enum libbpf_print_level level, const char *fmt, va_list ap). */
    interface PrintFn {
        @Delegate
        int print(int level, Pointer fmt, Pointer vaList);
    }

    /** ring_buffer_sample_fn: (void *ctx, void *data, size_t size); a negative return stops the consume. */
    interface SampleFn {
        @Delegate
        int sample(Pointer ctx, Pointer data, @size_t long size);
    }

    int LIBBPF_WARN = 0;
    int LIBBPF_INFO = 1;
    int LIBBPF_DEBUG = 2;

    // enum bpf_map_type values used by the Java side
    int BPF_MAP_TYPE_HASH = 1;
    int BPF_MAP_TYPE_ARRAY = 2;
    int BPF_MAP_TYPE_PERCPU_HASH = 5;
    int BPF_MAP_TYPE_PERCPU_ARRAY = 6;
    int BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;
    int BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21;
    int BPF_MAP_TYPE_RINGBUF = 27;

    // bpf_map_update_elem flags
    long BPF_ANY = 0;
    long BPF_NOEXIST = 1;
    long BPF_EXIST = 2;

    // enum bpf_attach_type values libbpf 1.1 has no name for
    int BPF_TCX_INGRESS = 46;
    int BPF_TCX_EGRESS = 47;

    // enum bpf_stats_type
    int BPF_STATS_RUN_TIME = 0;

    // BTF kinds (btf_type.info >> 24 & 0x1f)
    int BTF_KIND_STRUCT = 4;
    int BTF_KIND_UNION = 5;

    // --- libbpf.h: objects
    Pointer bpf_object__open_file(String path, Pointer opts);

    int bpf_object__load(Pointer obj);

    void bpf_object__close(Pointer obj);

    Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    // --- programs
    String bpf_program__name(Pointer prog);

    String bpf_program__section_name(Pointer prog);

    int bpf_program__set_autoload(Pointer prog, boolean autoload);

    /** C bool: only the low byte of the return register is defined, so it is read as a byte. */
    byte bpf_program__autoload(Pointer prog);

    Pointer bpf_program__attach(Pointer prog);

    Pointer bpf_program__attach_cgroup(Pointer prog, int cgroupFd);

    Pointer bpf_program__attach_tracepoint(Pointer prog, String category, String name);

    Pointer bpf_program__attach_kprobe(Pointer prog, boolean retprobe, String function);

    /** opts: struct bpf_uprobe_opts (libbpf 1.1: sz, ref_ctr_offset, bpf_cookie, retprobe, func_name) */
    Pointer bpf_program__attach_uprobe_opts(Pointer prog, int pid, String binaryPath, long funcOffset, Pointer opts);

    /**
     * A USDT probe provider:name of binaryPath (pid -1: every process); opts (struct
     * bpf_usdt_opts) may be null. libbpf fills the object's usdt.bpf.h maps with the argument specs.
     */
    Pointer bpf_program__attach_usdt(Pointer prog, int pid, String binaryPath, String provider, String name, Pointer opts);

    int bpf_program__set_attach_target(Pointer prog, int attachProgFd, String attachFuncName);

    int bpf_program__fd(Pointer prog);

    // --- links
    int bpf_link__destroy(Pointer link);

    int bpf_link__fd(Pointer link);

    int bpf_link__pin(Pointer link, String path);

    // --- maps
    String bpf_map__name(Pointer map);

    int bpf_map__fd(Pointer map);

    int bpf_map__reuse_fd(Pointer map, int fd);

    /** Before load: reuse the map pinned at path if compatible, else create it and pin it there. */
    int bpf_map__set_pin_path(Pointer map, String path);

    int bpf_map__key_size(Pointer map);

    int bpf_map__value_size(Pointer map);

    int bpf_map__max_entries(Pointer map);

    int bpf_map__type(Pointer map);

    // --- bpf.h: low-level syscall wrappers
    int bpf_map_lookup_elem(int fd, @In byte[] key, @Out byte[] value);

    int bpf_map_update_elem(int fd, @In byte[] key, @In byte[] value, long flags);

    int bpf_map_delete_elem(int fd, @In byte[] key);

    /** key may be null: then next_key receives the first key. */
    int bpf_map_get_next_key(int fd, @In byte[] key, @Out byte[] nextKey);

    int bpf_link_create(int progFd, int targetFd, int attachType, Pointer opts);

    /** BPF_OBJ_PIN: pins any BPF object fd (map, program, link) at a bpffs path; -errno on failure. */
    int bpf_obj_pin(int fd, String pathname);

    /**
     * BPF_OBJ_GET_INFO_BY_FD. {@code info} must be zeroed: the kernel reads its pointer fields
     * (jited_prog_insns ...) as buffers to fill. {@code infoLen[0]}: in, the buffer's size; out, what
     * the kernel wrote. For a program, info is a struct bpf_prog_info (see io.vigil.bpf.ProgramStats).
     */
    int bpf_obj_get_info_by_fd(int fd, @In @Out byte[] info, @In @Out int[] infoLen);

    /** BPF_ENABLE_STATS: returns an fd; the kernel counts run_cnt and run_time_ns while it is open. */
    int bpf_enable_stats(int type);

    // --- ring buffer
    Pointer ring_buffer__new(int mapFd, SampleFn sampleCb, Pointer ctx, Pointer opts);

    int ring_buffer__poll(Pointer rb, int timeoutMs);

    int ring_buffer__consume(Pointer rb);

    void ring_buffer__free(Pointer rb);

    // --- misc
    /** Returns the previous print function (a raw function pointer). */
    Pointer libbpf_set_print(PrintFn fn);

    int libbpf_num_possible_cpus();

    // --- btf.h
    Pointer btf__parse(String path, Pointer btfExtOut);

    Pointer btf__parse_elf(String path, Pointer btfExtOut);

    int btf__find_by_name_kind(Pointer btf, String name, int kind);

    /** Returns a const struct btf_type *: {u32 name_off; u32 info; u32 size_or_type;} then kind data. */
    Pointer btf__type_by_id(Pointer btf, int id);

    String btf__name_by_offset(Pointer btf, int offset);

    void btf__free(Pointer btf);
}
