package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.HookDescriptor.AgentAction;
import io.vigil.agent.policy.HookDescriptor.ArgDescriptor;
import io.vigil.agent.policy.plan.ArgPlan;
import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.generic.HookImage.MapEntry;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.OptionSpec;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.Selector;
import io.vigil.policy.TracepointSpec;
import io.vigil.policy.TracingPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tracing policy + hook plans -> the kernel's view of each hook (HookImage: gen_config bytes
 * and value-map entries, generic_abi.h) and the event side's (HookDescriptor). A pure function:
 * the same inputs give the same bytes (golden tests), and a policy with any problem gives
 * nothing but the list of problems.
 */
public final class PolicyCompiler {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private PolicyCompiler() {}

    public static CompiledPolicy compile(TracingPolicy policy, List<HookPlan> plans, CompileContext ctx)
            throws PolicyRejectedException {
        return compile(policy, policy.mode(), plans, ctx);
    }

    /** As {@link #compile(TracingPolicy, List, CompileContext)}, in the given mode instead of the policy's own. */
    public static CompiledPolicy compile(TracingPolicy policy, PolicyMode mode, List<HookPlan> plans, CompileContext ctx)
            throws PolicyRejectedException {
        Problems problems = new Problems(policy.source());
        BinaryBits bits = new BinaryBits(ctx.usedBinaryBits());
        int monitor = mode == PolicyMode.MONITOR ? GenericAbi.HookFlag.MONITOR : 0;
        List<CompiledHook> hooks = new ArrayList<>();
        int id = ctx.firstHookId();
        boolean dispatchOff = policy.spec().option(OptionSpec.DISABLE_DISPATCH)
                .map(v -> Set.of("1", "t", "T", "true", "TRUE", "True").contains(v)).orElse(false);
        for (HookPlan plan : plans) {
            if (DeadVariants.neverPosts(plan)) {
                continue;
            }
            int before = problems.count();
            ByteBuffer cfg = ByteBuffer.allocate(GenericAbi.Config.SIZEOF).order(LE);
            List<MapEntry> entries = new ArrayList<>();
            List<ArgDescriptor> args = args(plan, cfg, problems);
            Optional<ArgDescriptor> ret = returnValue(plan, cfg, problems);
            int track = SockTracking.returnFlags(plan, problems);
            cfg.putInt(GenericAbi.Config.HOOK_ID, id);
            cfg.putInt(GenericAbi.Config.FLAGS, plan.flags() | monitor | track);
            Map<Integer, List<AgentAction>> agentActions = selectors(policy, plan, cfg, entries, bits, ctx, problems);
            if (problems.count() == before) {
                HookImage image = new HookImage(plan.object(), plan.attachments(), cfg.array(), entries);
                HookDescriptor d = new HookDescriptor(id, policy.name(), policy.namespace(), plan.kind(), plan.functionName(),
                        plan.subsystem(), plan.event(), args, ret, plan.hook().message(), plan.hook().tags(), agentActions);
                SelectorEncoder.Slots slots = slots(plan, cfg);
                hooks.add(new CompiledHook(image, d, plan.hook(), dispatchOff
                        ? Optional.empty() : DispatchGates.of(plan, cfg, m -> slots.arg(m)[0])));
            }
            id++;
        }
        if (problems.count() > 0) {
            throw new PolicyRejectedException(problems.list());
        }
        return new CompiledPolicy(policy.qualifiedName(), hooks, bits.tables(), bits.taken(), id);
    }

    private static List<ArgDescriptor> args(HookPlan plan, ByteBuffer cfg, Problems problems) {
        List<ArgDescriptor> out = new ArrayList<>();
        List<ArgPlan> args = plan.args();
        cfg.put(GenericAbi.Config.NARGS, (byte) args.size());
        for (int i = 0; i < args.size(); i++) {
            ArgPlan a = args.get(i);
            String where = plan.where() + ".args[" + i + "]";
            String name = a.type().spelling();
            OptionalInt abi = AbiTypes.of(a.type());
            if (abi.isEmpty()) {
                problems.add(where, "type " + name + " cannot be read by the generic hooks yet");
                continue;
            }
            int t = abi.getAsInt();
            if (AbiTypes.kernelStruct(t) && !plan.kernelStructs()) {
                problems.add(where, "type " + name + " is read through a kernel pointer, but this hook's arguments are the "
                        + "syscall's user values; use fd (resolved to its path), string, char_buf or sockaddr");
                continue;
            }
            int flags = a.flags() | (plan.userPointers() && AbiTypes.pointer(t) ? GenericAbi.ArgFlag.USER : 0);
            ArgSpec s = a.spec();
            int sizeSrc = a.sizeSrc();
            int sizeCtxOff = a.sizeCtxOff();
            int sizeCtxSize = a.sizeCtxSize();
            if (t == GenericAbi.ArgType.CHAR_BUF) {
                if (s.returnCopy()) {   // the call fills the buffer: read it at return, its size is the return value
                    flags |= GenericAbi.ArgFlag.SIZE_RETURN;
                    sizeSrc = 0;
                    sizeCtxOff = 0;
                    sizeCtxSize = 0;
                } else if (sizeSrc == 0 && sizeCtxSize == 0) {
                    problems.add(where, "char_buf needs sizeArgIndex (1-based position of its size argument) or returnCopy");
                    continue;
                }
            } else if (s.returnCopy()) {
                problems.add(where, "returnCopy applies to char_buf arguments only");
                continue;
            }
            if (s.maxData()) {
                flags |= GenericAbi.ArgFlag.MAX_DATA;
            }
            int off = GenericAbi.Config.ARGS + i * GenericAbi.Arg.SIZEOF;
            cfg.put(off + GenericAbi.Arg.TYPE, (byte) t);
            cfg.put(off + GenericAbi.Arg.FLAGS, (byte) flags);
            cfg.put(off + GenericAbi.Arg.SRC, (byte) a.src());
            cfg.put(off + GenericAbi.Arg.SIZE_SRC, (byte) sizeSrc);
            cfg.putShort(off + GenericAbi.Arg.CTX_OFF, (short) a.ctxOff());
            cfg.putShort(off + GenericAbi.Arg.SIZE_CTX_OFF, (short) sizeCtxOff);
            cfg.put(off + GenericAbi.Arg.CTX_SIZE, (byte) a.ctxSize());
            cfg.put(off + GenericAbi.Arg.SIZE_CTX_SIZE, (byte) sizeCtxSize);
            ResolveEncoder.put(cfg, i, a.resolve());
            out.add(new ArgDescriptor(t, name, s.label()));
        }
        return out;
    }

    /** ret_type and ret_ctx_off of a hook emitted at return; the descriptor's return when the policy asks for it. */
    private static Optional<ArgDescriptor> returnValue(HookPlan plan, ByteBuffer cfg, Problems problems) {
        if ((plan.flags() & GenericAbi.HookFlag.RETURN) == 0) {
            return Optional.empty();
        }
        cfg.putShort(GenericAbi.Config.RET_CTX_OFF, (short) plan.retCtxOff());
        Optional<ArgSpec> spec = plan.hook() instanceof KprobeSpec k ? k.returnArg() : Optional.empty();
        if (spec.isEmpty()) {   // emitted at return for a filter or a buffer only: the value as the kernel has it
            cfg.put(GenericAbi.Config.RET_TYPE, (byte) GenericAbi.ArgType.S64);
            return Optional.empty();
        }
        OptionalInt abi = AbiTypes.of(spec.get().type());
        if (ReturnSock.carried(plan)) {
            return ReturnSock.encode(plan, spec.get(), cfg, problems);
        }
        if (abi.isEmpty() || !(AbiTypes.integer(abi.getAsInt()) || abi.getAsInt() == GenericAbi.ArgType.SIZE_T)) {
            problems.add(plan.where() + ".returnArg", "return type " + spec.get().type().spelling()
                    + " is not supported; the return value is read as an integer type (int, long, size_t ...)");
            return Optional.empty();
        }
        cfg.put(GenericAbi.Config.RET_TYPE, (byte) abi.getAsInt());
        return Optional.of(new ArgDescriptor(abi.getAsInt(), spec.get().type().spelling(), spec.get().label()));
    }

    private static final Selector EMPTY_SELECTOR = new Selector(List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    /** @return the agent's actions by selector index */
    private static Map<Integer, List<AgentAction>> selectors(TracingPolicy policy, HookPlan plan, ByteBuffer cfg,
            List<MapEntry> entries, BinaryBits bits, CompileContext ctx, Problems problems) {
        List<Selector> sels = plan.hook().selectors();
        Map<Integer, List<AgentAction>> agent = new TreeMap<>();
        if (sels.size() > GenericAbi.MAX_SELECTORS) {
            problems.add(plan.where() + ".selectors", "at most " + GenericAbi.MAX_SELECTORS + " selectors per hook, got "
                    + sels.size());
            return agent;
        }
        if (sels.isEmpty() && !plan.implicit().isEmpty()) {   // post every call where the function would run
            sels = List.of(EMPTY_SELECTOR);
        }
        cfg.put(GenericAbi.Config.NSELECTORS, (byte) sels.size());
        SelectorEncoder enc = new SelectorEncoder(cfg, new FilterEncoder(cfg, entries, ctx.syscalls(), policy.spec()::list), bits, ctx.hostNamespaces(), problems);
        SelectorEncoder.Slots slots = slots(plan, cfg);
        for (int i = 0; i < sels.size(); i++) {
            List<AgentAction> a = enc.encode(GenericAbi.Config.SEL + i * GenericAbi.Selector.SIZEOF, sels.get(i), slots,
                    plan.implicit(), plan.where() + ".selectors[" + i + "]");
            if (!a.isEmpty()) {
                agent.put(i, a);
            }
        }
        return agent;
    }

    /** matchArgs index -> the position of the argument with that index in args[]. */
    private static SelectorEncoder.Slots slots(HookPlan plan, ByteBuffer cfg) {
        return new SelectorEncoder.Slots() {
            @Override
            public int[] arg(MatchArgs m) {
                int pos = position(m);
                if (pos < 0 || pos >= plan.args().size()) {
                    throw new IllegalArgumentException("no argument at position " + pos + " in this hook's args");
                }
                return new int[] {pos, cfg.get(GenericAbi.Config.ARGS + pos * GenericAbi.Arg.SIZEOF + GenericAbi.Arg.TYPE)};
            }

            @Override
            public int[] sock(int index) {
                int pos = position(index);
                int type = cfg.get(GenericAbi.Config.ARGS + pos * GenericAbi.Arg.SIZEOF + GenericAbi.Arg.TYPE);
                if (type != GenericAbi.ArgType.SOCK && type != GenericAbi.ArgType.SOCKET) {
                    throw new IllegalArgumentException("argument with index " + index + " is of type "
                            + plan.args().get(pos).type().spelling() + "; argSock needs a sock or socket argument");
                }
                return new int[] {pos, type};
            }

            /** `args: [p]` and a tracepoint's index are positions in args; a kprobe's index names args[].index. */
            private int position(MatchArgs m) {
                if (!m.args().isEmpty()) {
                    if (m.args().size() > 1) {
                        throw new IllegalArgumentException("one argument per filter (args: [" + m.args().get(0) + "])");
                    }
                    return m.args().get(0);
                }
                return position(m.index().orElse(0));
            }

            private int position(int index) {
                if (plan.hook() instanceof TracepointSpec) {
                    if (index < 0 || index >= plan.args().size()) {
                        throw new IllegalArgumentException("no argument at position " + index + " in this hook's args");
                    }
                    return index;
                }
                for (int i = 0; i < plan.args().size(); i++) {
                    if (plan.args().get(i).spec().index() == index) {
                        return i;
                    }
                }
                throw new IllegalArgumentException("no argument with index " + index + " in this hook's args");
            }

            @Override
            public int[] ret() {
                if ((plan.flags() & GenericAbi.HookFlag.RETURN) == 0) {
                    throw new IllegalArgumentException("matchReturnArgs on a hook without a return value");
                }
                if (ReturnSock.carried(plan)) {
                    return new int[] {ReturnSock.slot(plan), GenericAbi.ArgType.SOCK};
                }
                return new int[] {GenericAbi.SLOT_RETURN, cfg.get(GenericAbi.Config.RET_TYPE)};
            }

            @Override
            public String typeName(int slot) {
                if (slot == GenericAbi.SLOT_RETURN || slot == plan.args().size()) {   // the return value (ReturnSock)
                    return plan.hook() instanceof KprobeSpec k && k.returnArg().isPresent()
                            ? k.returnArg().get().type().spelling() : "int64";
                }
                return plan.args().get(slot).type().spelling();
            }
        };
    }
}
