package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.policy.LoadResult;
import io.vigil.policy.NamespaceType;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.TracingPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A fake kernel for the planner (which tracepoints exist, their formats) and a fixed compile context. */
final class Fixtures {
    private Fixtures() {}

    static final Set<String> SYSCALLS = Set.of("openat", "read", "write", "connect");

    static final String SYS_ENTER_OPENAT = """
            name: sys_enter_openat
            ID: 782
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
            	field:int dfd;	offset:16;	size:8;	signed:0;
            	field:const char * filename;	offset:24;	size:8;	signed:0;
            	field:int flags;	offset:32;	size:8;	signed:0;
            	field:umode_t mode;	offset:40;	size:8;	signed:0;

            print fmt: "dfd: 0x%08lx, filename: 0x%08lx", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename))
            """;

    static final String RAW_SYS_ENTER = """
            name: sys_enter
            ID: 21
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:long id;	offset:8;	size:8;	signed:1;
            	field:unsigned long args[6];	offset:16;	size:48;	signed:0;

            print fmt: "NR %ld (%lx)", REC->id, REC->args[0]
            """;

    static final String SCHED_EXEC = """
            name: sched_process_exec
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
            	field:pid_t pid;	offset:12;	size:4;	signed:1;
            	field:pid_t old_pid;	offset:16;	size:4;	signed:1;
            """;

    static final Map<String, String> FORMATS = Map.of("syscalls/sys_enter_openat", SYS_ENTER_OPENAT,
            "raw_syscalls/sys_enter", RAW_SYS_ENTER, "sched/sched_process_exec", SCHED_EXEC);

    static HookPlanner planner(Backend backend) {
        return new HookPlanner(backend, "__x64_sys_", tp -> FORMATS.containsKey(tp)
                || (tp.startsWith("syscalls/sys_") && SYSCALLS.contains(tp.replaceFirst("syscalls/sys_(enter|exit)_", ""))),
                tp -> Optional.ofNullable(FORMATS.get(tp)));
    }

    /** Hook ids from 100; bit 0 taken by another policy; the host's mnt and net namespaces. */
    static final CompileContext CONTEXT = new CompileContext(100, 0b1,
            Map.of(NamespaceType.MNT, 4026531841L, NamespaceType.NET, 4026531840L));

    static TracingPolicy policy(String resource) {
        return parse(read("/compile/" + resource), Path.of("compile/" + resource));
    }

    static TracingPolicy parse(String yaml, Path file) {
        LoadResult r = PolicyLoader.loadText(yaml, file);
        assertTrue(r.ok(), () -> "test policy does not load: " + r.errors());
        return r.policies().get(0);
    }

    static CompiledPolicy compile(TracingPolicy p, Backend backend) throws PolicyRejectedException {
        List<HookPlan> plans = planner(backend).plan(p);
        return PolicyCompiler.compile(p, plans, CONTEXT);
    }

    static String read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
