package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.btf.ResolvedField;
import io.vigil.agent.btf.StructFields;
import io.vigil.agent.policy.plan.FakeHosts;
import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.HostFacts;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.policy.TracingPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A resolve path compiled into gen_config.resolve[] (Tetragon's lsm_track_grandparent), against a fake kernel BTF. */
class ResolveEncodingTest {
    /**
     * The offsets of a 6.18 x86_64 vmlinux: task_struct.mm (bprm's mm is the current task's on
     * sched_process_exec), mm_struct.owner, task_struct.real_parent (twice), .comm.
     */
    static final ResolvedField GRANDPARENT = new ResolvedField(List.of(1136, 1304, 1280, 1280, 1752), true, 0, false);

    static final StructFields FAKE_BTF = (struct, path, max) -> {
        if (struct.equals("task_struct") && path.equals("mm.owner.real_parent.real_parent.comm")) {
            return GRANDPARENT;
        }
        if (struct.equals("task_struct") && path.equals("mm.owner.pid")) {
            return new ResolvedField(List.of(1136, 1304, 1264), false, 4, true);
        }
        throw new IllegalArgumentException(struct + " has no member '" + path + "'");
    };

    static HostFacts host() {
        HostFacts base = FakeHosts.x86();
        return new HostFacts() {
            @Override
            public String arch() {
                return base.arch();
            }

            @Override
            public Optional<String> tracepointFormat(String e) {
                return base.tracepointFormat(e);
            }

            @Override
            public boolean functionExists(String name) {
                return base.functionExists(name);
            }

            @Override
            public List<String> syscalls() {
                return base.syscalls();
            }

            @Override
            public StructFields structFields() {
                return FAKE_BTF;
            }
        };
    }

    static String policy(String type, String resolve) {
        return """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "lsm"
                spec:
                  lsmhooks:
                  - hook: "bprm_check_security"
                    args:
                      - index: 0
                        type: "%s"
                        resolve: "%s"
                    selectors:
                      - matchActions:
                        - action: Post
                """.formatted(type, resolve);
    }

    static CompiledPolicy compile(String yaml) throws PolicyRejectedException {
        TracingPolicy p = Fixtures.parse(yaml, Path.of("lsm.yaml"));
        List<HookPlan> plans = new HookPlanner(Backend.TRACEPOINT, host()).plan(p).hooks();
        return PolicyCompiler.compile(p, plans, Fixtures.CONTEXT);
    }

    @Test
    void grandparentCommIsFiveSteps() throws Exception {
        CompiledPolicy c = compile(policy("string", "mm.owner.real_parent.real_parent.comm"));
        assertEquals(1, c.hooks().size());
        String dump = HookImageDump.dump(c.hooks().get(0).image());
        assertEquals("""
                object bpf_generic_tp
                attach generic_tp_btf TP_BTF sched_process_exec
                config hook_id=100 flags=0 nargs=1 nselectors=1 ret_type=NONE ret_ctx_off=0
                  args[0] type=STRING flags=0 src=2 size_src=0 ctx_off=0 ctx_size=0 size_ctx_off=0 size_ctx_size=0
                    resolve base=1 size=0 off=1136,1304,1280,1280,1752
                  sel[0] actions=POST arg_error=0 arg_sig=0 rate_ns=0 rate_scope=THREAD
                    bin=NONE bit 0 pbin=NONE bit 0
                    pids=NONE flags=0 []
                    caps=NONE type=EFFECTIVE ns=0 mask=0x0
                entries 0
                """, dump);
        byte[] cfg = c.hooks().get(0).image().config();   // the bytes behind the dump's resolve line
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(cfg).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int r = io.vigil.bpf.wire.GenericAbi.Config.RESOLVE;
        assertEquals(io.vigil.bpf.wire.GenericAbi.Config.SIZEOF, cfg.length);
        assertEquals(5, b.get(r));
        assertEquals(1752, b.getInt(r + 4 + 4 * 4));
        assertEquals(io.vigil.bpf.wire.GenericAbi.ResolveBase.TASK, b.get(r + io.vigil.bpf.wire.GenericAbi.Resolve.BASE));
        assertEquals(0, b.get(r + io.vigil.bpf.wire.GenericAbi.Resolve.SIZEOF));   // resolve[1] unused
    }

    @Test
    void integerEndReadsItsSize() throws Exception {
        String dump = HookImageDump.dump(compile(policy("int", "mm.owner.pid")).hooks().get(0).image());
        assertTrue(dump.contains("args[0] type=S32"), dump);
        assertTrue(dump.contains("    resolve base=1 size=4 off=1136,1304,1264\n"), dump);
    }

    @Test
    void refusals() {
        String m = assertThrows(PolicyRejectedException.class,
                () -> compile(policy("int", "mm.owner.real_parent.real_parent.comm"))).getMessage();
        assertTrue(m.contains("ends in a char array: declare type string, not int"), m);
        m = assertThrows(PolicyRejectedException.class, () -> compile(policy("string", "mm.ownr.comm"))).getMessage();
        assertTrue(m.contains("resolve 'mm.ownr.comm' of argument 0 of security_bprm_check: task_struct has no member"), m);
        m = assertThrows(PolicyRejectedException.class, () -> compile(policy("string", "mm.owner.real_parent.real_parent.comm")
                .replace("lsmhooks:\n  - hook: \"bprm_check_security\"", "kprobes:\n  - call: \"security_file_open\"\n    syscall: false")))
                .getMessage();
        assertTrue(m.contains("is not followed on this hook: resolve is served on the tracepoint backend's mapped hooks"), m);
    }
}
