package io.vigil.agent.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the event side needs to turn a msg_generic of one hook into a Tetragon-shaped event.
 * Made by the policy compiler with the hook's image; looked up by {@code hookId}.
 *
 * @param hookId       echoed by the kernel in msg_generic.hook_id; unique among loaded hooks
 * @param policyName   metadata.name
 * @param namespace    metadata.namespace of a TracingPolicyNamespaced
 * @param kind         which event the hook emits
 * @param functionName Tetragon's function_name (kprobes: the call, e.g. "__x64_sys_openat" for a
 *                     syscall on x86_64; LSM: the hook; tracepoints: empty)
 * @param subsystem    tracepoints: subsystem ("syscalls"); empty otherwise
 * @param event        tracepoints: event ("sys_enter_openat"); empty otherwise
 * @param args         the hook's args[] in order, as msg_generic carries them
 * @param returnArg    the return value's description, when the hook reports it
 * @param message      copied into every event
 * @param tags         copied into every event
 * @param agentActions by selector index: what the agent does when that selector matched
 */
public record HookDescriptor(
        int hookId,
        String policyName,
        Optional<String> namespace,
        Kind kind,
        String functionName,
        String subsystem,
        String event,
        List<ArgDescriptor> args,
        Optional<ArgDescriptor> returnArg,
        Optional<String> message,
        List<String> tags,
        Map<Integer, List<AgentAction>> agentActions) {

    public HookDescriptor {
        args = List.copyOf(args);
        tags = List.copyOf(tags);
        agentActions = Map.copyOf(agentActions);
    }

    /** A hook whose selectors ask nothing of the agent. */
    public HookDescriptor(int hookId, String policyName, Optional<String> namespace, Kind kind, String functionName,
            String subsystem, String event, List<ArgDescriptor> args, Optional<ArgDescriptor> returnArg,
            Optional<String> message, List<String> tags) {
        this(hookId, policyName, namespace, kind, functionName, subsystem, event, args, returnArg, message, tags, Map.of());
    }

    /**
     * What the agent itself does when a selector matches (Tetragon's GetUrl and DnsLookup actions run
     * in its agent too): the kernel posts the event with the action bit, the agent acts.
     */
    public record AgentAction(Type type, String target) {
        public enum Type { GET_URL, DNS_LOOKUP }
    }

    public enum Kind {
        /** process_kprobe */
        KPROBE,
        /** process_tracepoint */
        TRACEPOINT,
        /** process_lsm */
        LSM,
        /** process_uprobe: functionName is the symbol, subsystem the binary's path */
        UPROBE,
        /** process_usdt: functionName is the probe's name, subsystem the binary's path, event the provider */
        USDT
    }

    /**
     * @param abiType      GenericAbi.ArgType: how the kernel sent the value
     * @param tetragonType the policy's spelling ("int", "file", "char_buf" ...): picks the JSON field
     * @param label        args[].label
     */
    public record ArgDescriptor(int abiType, String tetragonType, Optional<String> label) {}
}
