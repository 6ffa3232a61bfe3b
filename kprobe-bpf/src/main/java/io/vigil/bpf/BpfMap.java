package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;
import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import jnr.ffi.Pointer;

/**
 * Typed access to one map of a loaded {@link BpfObject}, valid while the object is open. Keys and
 * values are raw bytes in the host's byte order, with int/long conveniences. For per-CPU maps a
 * value is the values of all possible CPUs back to back, each rounded up to 8 bytes
 * ({@link #valueBytes()}); {@link #sumPerCpu} adds up a u64 counter.
 *
 * <p>Errors other than "no such key" throw {@link BpfException}; {@link #sumPerCpu} throws
 * unchecked exceptions, since it reads counters on status paths where a failure means a bug
 * (a closed object, a wrong key).
 */
public final class BpfMap {
    /** bpf_map_update_elem flags. */
    public static final long ANY = LibBpf.BPF_ANY;
    public static final long NOEXIST = LibBpf.BPF_NOEXIST;
    public static final long EXIST = LibBpf.BPF_EXIST;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static volatile int possibleCpus;

    private final BpfObject owner;
    private final LibBpf lib;
    private final String name;
    private final int fd;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;

    BpfMap(BpfObject owner, Pointer map, String name) {
        this.owner = owner;
        this.lib = owner.lib();
        this.name = name;
        this.fd = lib.bpf_map__fd(map);
        this.type = lib.bpf_map__type(map);
        this.keySize = lib.bpf_map__key_size(map);
        this.valueSize = lib.bpf_map__value_size(map);
        this.maxEntries = lib.bpf_map__max_entries(map);
    }

    public String name() {
        return name;
    }

    /** The map's fd, e.g. for {@link BpfObject#reuseMap} or {@link RingBuffer#open}. */
    public int fd() {
        return fd;
    }

    /** enum bpf_map_type, e.g. 1 = hash, 6 = per-CPU array, 27 = ring buffer. */
    public int type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    /** The value size declared in BPF (one CPU's share for per-CPU maps). */
    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isPerCpu() {
        return type == LibBpf.BPF_MAP_TYPE_PERCPU_HASH || type == LibBpf.BPF_MAP_TYPE_PERCPU_ARRAY
                || type == LibBpf.BPF_MAP_TYPE_LRU_PERCPU_HASH || type == LibBpf.BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
    }

    /** Bytes of a value as lookup/update exchange it: valueSize, or round_up(valueSize, 8) * possible CPUs. */
    public int valueBytes() {
        return isPerCpu() ? roundUp8(valueSize) * possibleCpus() : valueSize;
    }

    /** Number of possible CPUs (libbpf_num_possible_cpus), the multiplier of per-CPU values. */
    public static int possibleCpus() {
        int n = possibleCpus;
        if (n <= 0) {
            n = Native.libbpf().libbpf_num_possible_cpus();
            if (n <= 0) {
                throw new IllegalStateException("libbpf_num_possible_cpus: " + Errno.describe(-n));
            }
            possibleCpus = n;
        }
        return n;
    }

    /**
     * Pins the map in bpffs: it and its entries outlive this process. A prog array needs it to keep
     * its programs: the kernel empties one when the last user-space reference (fd or pin) goes.
     */
    public void pin(java.nio.file.Path path) throws BpfException {
        int r = lib.bpf_obj_pin(fd, path.toString());
        if (r < 0) {
            throw new BpfException("cannot pin map '" + name + "' at " + path, Native.errnoOf(r),
                    "the path must be on a bpffs mount (mount -t bpf bpf /sys/fs/bpf) and must not exist yet", null);
        }
    }

    // ---- raw bytes

    /** The value under key, or null when there is none. */
    public byte[] lookup(byte[] key) throws BpfException {
        checkKey(key);
        byte[] value = new byte[valueBytes()];
        int r = lib.bpf_map_lookup_elem(fd, key, value);
        if (r < 0) {
            int e = Native.errnoOf(r);
            if (e == Errno.ENOENT) {
                return null;
            }
            throw new BpfException("lookup in map '" + name + "'", e);
        }
        return value;
    }

    public void update(byte[] key, byte[] value) throws BpfException {
        update(key, value, ANY);
    }

    /** Inserts or replaces; flags: {@link #ANY}, {@link #NOEXIST}, {@link #EXIST}. */
    public void update(byte[] key, byte[] value, long flags) throws BpfException {
        checkKey(key);
        if (value.length != valueBytes()) {
            throw new IllegalArgumentException("map '" + name + "' takes " + valueBytes() + "-byte values, not " + value.length);
        }
        int r = lib.bpf_map_update_elem(fd, key, value, flags);
        if (r < 0) {
            int e = Native.errnoOf(r);
            String hint = e == Errno.E2BIG ? "the map is full (" + maxEntries + " entries)"
                    : e == Errno.EEXIST ? "the key exists and NOEXIST was asked"
                    : e == Errno.ENOENT ? "the key does not exist and EXIST was asked" : null;
            throw new BpfException("update of map '" + name + "'", e, hint, null);
        }
    }

    /** Deletes key; false when there was no such key. */
    public boolean delete(byte[] key) throws BpfException {
        checkKey(key);
        int r = lib.bpf_map_delete_elem(fd, key);
        if (r < 0) {
            int e = Native.errnoOf(r);
            if (e == Errno.ENOENT) {
                return false;
            }
            throw new BpfException("delete from map '" + name + "'", e, e == Errno.EINVAL && isArray()
                    ? "array map entries cannot be deleted" : null, null);
        }
        return true;
    }

    /** All keys at the time of the walk (a hash map changing meanwhile may yield a key twice or miss one). */
    public List<byte[]> keys() throws BpfException {
        List<byte[]> out = new ArrayList<>();
        byte[] prev = null;
        long limit = 2L * maxEntries + 16;
        while (out.size() < limit) {
            byte[] next = new byte[keySize];
            int r = lib.bpf_map_get_next_key(fd, prev, next);
            if (r < 0) {
                int e = Native.errnoOf(r);
                if (e == Errno.ENOENT) {
                    break;
                }
                throw new BpfException("iterating map '" + name + "'", e);
            }
            out.add(next);
            prev = next;
        }
        return out;
    }

    // ---- int / long conveniences (keys of 4 or 8 bytes, u64 values)

    public byte[] lookup(int key) throws BpfException {
        return lookup(intKey(key));
    }

    public byte[] lookup(long key) throws BpfException {
        return lookup(longKey(key));
    }

    /** A u64 value (non-per-CPU map with 8-byte values), empty when the key is absent. */
    public OptionalLong lookupLong(int key) throws BpfException {
        checkLongValue();
        byte[] v = lookup(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(v).order(ORDER).getLong(0));
    }

    public void update(int key, byte[] value) throws BpfException {
        update(intKey(key), value, ANY);
    }

    public void update(long key, byte[] value) throws BpfException {
        update(longKey(key), value, ANY);
    }

    /** Stores a u64 value (non-per-CPU map with 8-byte values). */
    public void update(int key, long value) throws BpfException {
        checkLongValue();
        update(intKey(key), ByteBuffer.allocate(8).order(ORDER).putLong(0, value).array(), ANY);
    }

    public boolean delete(int key) throws BpfException {
        return delete(intKey(key));
    }

    public boolean delete(long key) throws BpfException {
        return delete(longKey(key));
    }

    /** The keys of a map with 4-byte keys. */
    public List<Integer> intKeys() throws BpfException {
        intKey(0);
        List<Integer> out = new ArrayList<>();
        for (byte[] k : keys()) {
            out.add(ByteBuffer.wrap(k).order(ORDER).getInt(0));
        }
        return out;
    }

    /** The keys of a map with 8-byte keys. */
    public List<Long> longKeys() throws BpfException {
        longKey(0);
        List<Long> out = new ArrayList<>();
        for (byte[] k : keys()) {
            out.add(ByteBuffer.wrap(k).order(ORDER).getLong(0));
        }
        return out;
    }

    /**
     * The sum over all possible CPUs of a u64 per-CPU counter (a per-CPU array or hash with 4-byte
     * keys and 8-byte values, such as vigil_stats). 0 for an absent hash key.
     *
     * @throws IllegalArgumentException when the map is not such a map or key is out of range
     * @throws IllegalStateException when the kernel refuses the lookup (closed object)
     */
    public long sumPerCpu(int key) {
        if (!isPerCpu() || valueSize != 8 || keySize != 4) {
            throw new IllegalArgumentException("map '" + name + "' is not a per-CPU map of u64 with u32 keys (type " + type
                    + ", key " + keySize + " B, value " + valueSize + " B)");
        }
        if (isArray() && (key < 0 || key >= maxEntries)) {
            throw new IllegalArgumentException("key " + key + " out of range for map '" + name + "' (" + maxEntries + " entries)");
        }
        byte[] v;
        try {
            v = lookup(key);
        } catch (BpfException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (v == null) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ORDER);
        long sum = 0;
        for (int off = 0; off + 8 <= v.length; off += 8) {
            sum += b.getLong(off);
        }
        return sum;
    }

    // ---- helpers

    private boolean isArray() {
        return type == LibBpf.BPF_MAP_TYPE_ARRAY || type == LibBpf.BPF_MAP_TYPE_PERCPU_ARRAY;
    }

    private void checkKey(byte[] key) {
        owner.handle();
        if (key.length != keySize) {
            throw new IllegalArgumentException("map '" + name + "' takes " + keySize + "-byte keys, not " + key.length);
        }
    }

    private void checkLongValue() {
        if (isPerCpu() || valueSize != 8) {
            throw new IllegalArgumentException("map '" + name + "' does not hold plain u64 values");
        }
    }

    private byte[] intKey(int key) {
        if (keySize != 4) {
            throw new IllegalArgumentException("map '" + name + "' has " + keySize + "-byte keys, not int");
        }
        return ByteBuffer.allocate(4).order(ORDER).putInt(0, key).array();
    }

    private byte[] longKey(long key) {
        if (keySize != 8) {
            throw new IllegalArgumentException("map '" + name + "' has " + keySize + "-byte keys, not long");
        }
        return ByteBuffer.allocate(8).order(ORDER).putLong(0, key).array();
    }

    private static int roundUp8(int n) {
        return (n + 7) & ~7;
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + ", type " + type + ", fd " + fd + ", key " + keySize + " B, value " + valueSize
                + " B, " + maxEntries + " entries]" + (owner.isClosed() ? " (closed)" : "");
    }
}
