package io.vigil.enforcement.asset.datapath;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's BPF object (bpf_asset_guard.c) loaded and attached: the fork/exit programs keep the
 * taint map, the cgroup programs on the cgroup v2 root enforce. The maps that must outlive the agent
 * (taints, socket marks, per-destination counters) are pinned under {@code pinDir}; a new agent
 * reuses them, so a restart does not clear the taint of a running process.
 */
public final class AssetDatapath implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AssetDatapath.class);

    /** Where the agent pins them by default. */
    public static final Path DEFAULT_PIN_DIR = Path.of("/sys/fs/bpf/vigil");
    static final List<String> PINNED = List.of("asset_taint", "asset_socks", "asset_dest");
    static final List<String> ALWAYS = List.of("asset_fork", "asset_exit", "asset_connect4", "asset_connect6",
            "asset_sendmsg4", "asset_sendmsg6", "asset_egress", "asset_exit_connect", "asset_exit_sendto",
            "asset_exit_sendmsg", "asset_exit_sendmmsg");
    static final String DNS = "asset_dns";

    private final BpfObject object;
    private final Path cgroupRoot;
    private final List<BpfLink> links = new ArrayList<>();
    private final List<String> attached = new ArrayList<>();
    private BpfLink dnsLink;

    private AssetDatapath(BpfObject object, Path cgroupRoot) {
        this.object = object;
        this.cgroupRoot = cgroupRoot;
    }

    /**
     * Loads the object sharing {@code shared} maps by name (the sensors' events ring buffer,
     * vigil_stats, execve_map), pins the long-lived maps under pinDir and attaches every program
     * but the DNS one.
     */
    public static AssetDatapath load(Map<String, BpfMap> shared, Path pinDir, Path cgroupRoot) throws BpfException {
        try {
            Files.createDirectories(pinDir);
        } catch (IOException e) {
            throw new BpfException("cannot create the pin directory " + pinDir + " (is bpffs mounted at /sys/fs/bpf?)",
                    0, e);
        }
        BpfObject obj = open(shared, pinDir);
        try {
            obj.load();
        } catch (BpfException e) {
            // a map pinned by another version of the guard: its layout differs, start afresh
            obj.close();
            if (!dropIncompatiblePins(obj, pinDir, e)) {
                throw e;
            }
            obj = open(shared, pinDir);
            obj.load();
        }
        AssetDatapath d = new AssetDatapath(obj, cgroupRoot);
        boolean ok = false;
        try {
            for (String p : ALWAYS) {
                d.attach(p);
            }
            ok = true;
            return d;
        } finally {
            if (!ok) {
                d.close();
            }
        }
    }

    private static BpfObject open(Map<String, BpfMap> shared, Path pinDir) throws BpfException {
        BpfObject obj = BpfObject.openResource("/bpf/bpf_asset_guard.bpf.o");
        try {
            for (Map.Entry<String, BpfMap> m : shared.entrySet()) {
                if (obj.hasMap(m.getKey())) {
                    obj.reuseMap(m.getKey(), m.getValue().fd());
                }
            }
            for (String m : PINNED) {
                obj.pinMap(m, pinDir.resolve(m));
            }
            return obj;
        } catch (BpfException | RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    private static boolean dropIncompatiblePins(BpfObject obj, Path pinDir, BpfException cause) {
        boolean dropped = false;
        for (String m : PINNED) {
            Path p = pinDir.resolve(m);
            if (Files.exists(p)) {
                try {
                    Files.delete(p);
                    dropped = true;
                } catch (IOException e) {
                    log.warn("cannot remove the pinned map {}: {}", p, e.toString());
                }
            }
        }
        if (dropped) {
            log.warn("the guard's pinned maps under {} could not be reused ({}); they were removed and the taints of"
                    + " running processes are lost", pinDir, cause.getMessage().lines().findFirst().orElse(""));
        }
        return dropped;
    }

    private void attach(String program) throws BpfException {
        String section = object.program(program).sectionName();
        BpfLink l = section.startsWith("cgroup") ? object.program(program).attachCgroup(cgroupRoot)
                : object.program(program).attach();
        links.add(l);
        attached.add(program);
    }

    /** Turns the DNS answer copy on or off (on only while some policy allows names). */
    public synchronized void captureDns(boolean on) throws BpfException {
        if (on && dnsLink == null) {
            dnsLink = object.program(DNS).attachCgroup(cgroupRoot);
        } else if (!on && dnsLink != null) {
            dnsLink.close();
            dnsLink = null;
        }
    }

    public synchronized List<String> attachedPrograms() {
        List<String> out = new ArrayList<>(attached);
        if (dnsLink != null) {
            out.add(DNS);
        }
        return out;
    }

    public BpfMap map(String name) {
        return object.map(name);
    }

    /** Policy index -> configuration; the index is the prefix of its allow-list keys. */
    public void putPolicy(int index, PolicyConfig cfg) throws BpfException {
        object.map("asset_policies").update(index, cfg.encode());
    }

    /** Marks the policy inactive: tainted processes of it are no longer restricted. */
    public void removePolicy(int index) throws BpfException {
        object.map("asset_policies").update(index, new byte[io.vigil.bpf.wire.AssetAbi.PolicyCfg.SIZEOF]);
    }

    public void taint(int tgid, Taint t) throws BpfException {
        object.map("asset_taint").update(tgid, t.encode());
    }

    public Taint taint(int tgid) throws BpfException {
        byte[] v = object.map("asset_taint").lookup(tgid);
        return v == null ? null : Taint.decode(v);
    }

    public boolean untaint(int tgid) throws BpfException {
        return object.map("asset_taint").delete(tgid);
    }

    /** Every tainted process by tgid. */
    public Map<Integer, Taint> taints() throws BpfException {
        Map<Integer, Taint> out = new LinkedHashMap<>();
        BpfMap m = object.map("asset_taint");
        for (Integer k : m.intKeys()) {
            byte[] v = m.lookup(k);
            if (v != null) {
                out.put(k, Taint.decode(v));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (dnsLink != null) {
            dnsLink.close();
            dnsLink = null;
        }
        links.forEach(BpfLink::close);
        links.clear();
        attached.clear();
        object.close();
    }
}
