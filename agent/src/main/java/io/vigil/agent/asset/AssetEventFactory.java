package io.vigil.agent.asset;

import io.vigil.agent.process.Enricher;
import io.vigil.agent.process.ProcessCache;
import io.vigil.api.Event;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.bpf.wire.AssetMsg;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * process_asset events from the guard's records, on the enricher thread: the process and parent
 * from the process cache (by exec key, else the pid's current incarnation), the policy and asset
 * names from the guard.
 */
public final class AssetEventFactory {
    static final Map<Integer, String> EVENTS = Map.of(AssetAbi.Ev.TAINT, "TAINT", AssetAbi.Ev.OPEN_DENIED, "OPEN_DENIED",
            AssetAbi.Ev.CONNECT_DENIED, "CONNECT_DENIED", AssetAbi.Ev.SEND_DENIED, "SEND_DENIED",
            AssetAbi.Ev.EGRESS_MONITORED, "EGRESS_MONITORED", AssetAbi.Ev.BUDGET_EXCEEDED, "BUDGET_EXCEEDED",
            AssetAbi.Ev.OPEN_MONITORED, "OPEN_MONITORED", AssetAbi.Ev.KILLED, "KILLED");
    static final Map<Integer, String> ACTIONS = Map.of(AssetAbi.Action.MONITOR, "MONITOR", AssetAbi.Action.DENY, "DENY",
            AssetAbi.Action.KILL, "KILL");

    private final AssetGuard guard;

    public AssetEventFactory(AssetGuard guard) {
        this.guard = guard;
    }

    public void onRecord(AssetMsg m, Enricher enricher, Consumer<Event> out) {
        ProcessCache cache = enricher.cache();
        ProcessCache.Entry e = m.process().ktime() != 0 ? cache.get(m.process()) : null;
        if (e == null) {
            e = cache.current(m.process().pid());
        }
        ProcessInfo process;
        ProcessInfo parent = null;
        if (e != null) {
            process = e.info();
            ProcessCache.Entry pe = e.parentKey() == null ? null : cache.get(e.parentKey());
            parent = pe == null ? null : pe.info();
        } else {
            process = ProcessInfo.builder().pid(m.process().pid()).tid(m.tid()).build();
        }
        String path = m.assetPath().isEmpty() ? guard.assetPath(m.assetDev(), m.assetIno()).orElse("") : m.assetPath();
        ProcessAsset.Asset asset = m.assetDev() == 0 && m.assetIno() == 0 && path.isEmpty() ? null
                : new ProcessAsset.Asset(path, m.assetDev(), m.assetIno());
        ProcessAsset body = new ProcessAsset(process, parent, guard.policyName(m.policy()),
                EVENTS.getOrDefault(m.kind(), "UNKNOWN_" + m.kind()), ACTIONS.getOrDefault(m.action(), "UNKNOWN"),
                asset, destination(m), m.bytes(), m.budget());
        out.accept(new Event(enricher.nodeName(), enricher.timeOf(m.ktime()), body));
        guard.onKernelDecision(m);
    }

    static ProcessAsset.Destination destination(AssetMsg m) {
        byte[] a = m.address();
        String text;
        try {
            if (m.family() == 2) {
                text = InetAddress.getByAddress(Arrays.copyOf(a, 4)).getHostAddress();
            } else if (m.family() == 10) {
                text = InetAddress.getByAddress(a).getHostAddress();
            } else {
                return null;
            }
        } catch (UnknownHostException e) {
            return null;
        }
        String proto = m.protocol() == 6 ? "TCP" : m.protocol() == 17 ? "UDP" : Integer.toString(m.protocol());
        return new ProcessAsset.Destination(text, m.port(), proto, List.of());
    }
}
