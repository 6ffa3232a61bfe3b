package io.vigil.agent.policy.events;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.plan.EachSyscall;
import io.vigil.agent.policy.HookDescriptor.AgentAction;
import io.vigil.agent.policy.HookDescriptor.ArgDescriptor;
import io.vigil.api.EventBody;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericMsg;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link GenericMsg} into process_kprobe, process_tracepoint or process_lsm, given the
 * process and parent the enricher found. Two steps because the process may not be known yet:
 * {@link #hookOf} at arrival (the hook may be unregistered before the process shows up), then
 * {@link #body} when the process is there. Called on the enricher thread; counters readable anywhere.
 */
public final class PolicyEventFactory {
    private static final Logger log = LoggerFactory.getLogger(PolicyEventFactory.class);

    private final HookRegistry hooks;
    private final Consumer<AgentAction> agentActions;
    // single writer (the enricher thread), read by any thread
    private volatile long events;
    private volatile long unknownHook;
    private volatile long unreadableArgs;
    private volatile long badArgs;

    public PolicyEventFactory(HookRegistry hooks) {
        this(hooks, a -> { });
    }

    /** @param agentActions runs the GetUrl/DnsLookup actions of matching selectors (must not block) */
    public PolicyEventFactory(HookRegistry hooks, Consumer<AgentAction> agentActions) {
        this.hooks = hooks;
        this.agentActions = agentActions;
    }

    public HookRegistry hooks() {
        return hooks;
    }

    /** The hook that sent m, or null (counted) when no loaded hook has its id. */
    public HookDescriptor hookOf(GenericMsg m) {
        HookDescriptor d = hooks.get(m.hookId());
        if (d == null) {
            unknownHook = unknownHook + 1;
        }
        return d;
    }

    /**
     * The event body, or null (counted) when an argument's bytes do not fit its type.
     *
     * @param process the calling process as cached; its tid is replaced by the calling thread's
     * @param parent  its parent, or null
     */
    public EventBody body(HookDescriptor d, GenericMsg m, ProcessInfo process, ProcessInfo parent) {
        ProcessInfo caller = process.toBuilder().tid(ProcessInfo.uint32(m.tid())).build();
        List<KprobeArgument> args;
        KprobeArgument ret = null;
        String function = d.functionName();
        try {
            List<GenericMsg.RawArg> raw = m.args();
            if (d.returnArg().isPresent() && d.returnArg().get().abiType() == GenericAbi.ArgType.SOCK) {
                // a returned sock rides in the slot after the declared arguments (compile.ReturnSock)
                if (raw.size() > d.args().size()) {
                    ret = ArgDecoder.decode(d.returnArg().get(), raw.get(d.args().size()));
                    raw = raw.subList(0, d.args().size());
                }
            } else if (d.returnArg().isPresent() && m.hasReturn()) {
                ret = ArgDecoder.decodeReturn(d.returnArg().get(), m.ret());
            }
            args = args(d, raw);
            if (EachSyscall.namesEachCall(d) && !args.isEmpty()) {   // the hidden syscall number: the function's name
                function = EachSyscallName.of(d, m.args().get(0).bytes());
                args = args.subList(1, args.size());
            }
        } catch (ArgDecoder.BadArgException e) {
            badArgs = badArgs + 1;
            log.debug("hook {} of policy {}: {}", d.hookId(), d.policyName(), e.getMessage());
            return null;
        }
        KprobeAction action = action(m);
        if ((m.actions() & (GenericAbi.Action.GETURL | GenericAbi.Action.DNSLOOKUP)) != 0) {
            d.agentActions().getOrDefault(m.selector(), List.of()).forEach(agentActions);
        }
        String message = d.message().orElse("");
        events = events + 1;
        return switch (d.kind()) {
            case KPROBE -> new ProcessKprobe(caller, parent, function, args, ret, action, d.policyName(),
                    m.hasReturn() ? KprobeAction.POST : KprobeAction.UNKNOWN, message, d.tags());
            case TRACEPOINT -> new ProcessTracepoint(caller, parent, d.subsystem(), d.event(), args, d.policyName(),
                    action, message, d.tags());
            case LSM -> new ProcessLsm(caller, parent, d.functionName(), d.policyName(), message, args, action, d.tags());
            case UPROBE -> new ProcessUprobe(caller, parent, d.subsystem(), d.functionName(), d.policyName(), message, args,
                    action, d.tags());
            case USDT -> new ProcessUsdt(caller, parent, d.subsystem(), d.event(), d.functionName(), d.policyName(), message,
                    args, action, d.tags());
        };
    }

    private List<KprobeArgument> args(HookDescriptor d, List<GenericMsg.RawArg> raw) throws ArgDecoder.BadArgException {
        if (raw.size() > d.args().size()) {
            throw new ArgDecoder.BadArgException(raw.size() + " arguments sent, the hook declares " + d.args().size());
        }
        List<KprobeArgument> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {   // fewer than declared: the sensor ran out of room
            ArgDescriptor ad = d.args().get(i);
            if (!ArgDecoder.carriesValue(ad.abiType())) {
                continue;
            }
            if (raw.get(i).error()) {
                unreadableArgs = unreadableArgs + 1;
            }
            out.add(ArgDecoder.decode(ad, raw.get(i)));
        }
        return out;
    }

    /**
     * Tetragon reports one action per event; the kernel sends the selector's action bits. The
     * strongest action taken wins; in monitor mode the enforcement was not done, so it is a POST.
     */
    static KprobeAction action(GenericMsg m) {
        int a = m.actions();
        if (!m.monitored()) {
            if ((a & GenericAbi.Action.SIGKILL) != 0) {
                return KprobeAction.SIGKILL;
            }
            if ((a & GenericAbi.Action.OVERRIDE) != 0) {
                return KprobeAction.OVERRIDE;
            }
            if ((a & GenericAbi.Action.SIGNAL) != 0) {
                return KprobeAction.SIGNAL;
            }
            if ((a & GenericAbi.Action.NOTIFY_ENFORCER) != 0) {
                return KprobeAction.NOTIFYENFORCER;
            }
        }
        if ((a & GenericAbi.Action.GETURL) != 0) {
            return KprobeAction.GETURL;
        }
        if ((a & GenericAbi.Action.DNSLOOKUP) != 0) {
            return KprobeAction.DNSLOOKUP;
        }
        if ((a & GenericAbi.Action.TRACKSOCK) != 0) {   // Tetragon: the selector's action, as with any other
            return KprobeAction.TRACKSOCK;
        }
        if ((a & GenericAbi.Action.UNTRACKSOCK) != 0) {
            return KprobeAction.UNTRACKSOCK;
        }
        return KprobeAction.POST;
    }

    /** A snapshot; callable from any thread. */
    public PolicyEventStats stats() {
        return new PolicyEventStats(hooks.size(), events, unknownHook, unreadableArgs, badArgs);
    }
}
