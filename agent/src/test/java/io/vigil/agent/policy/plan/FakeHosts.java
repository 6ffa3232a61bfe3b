package io.vigil.agent.policy.plan;

import io.vigil.agent.btf.StructFields;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A fake x86_64 kernel for planner and compiler tests: which tracepoints exist (with formats) and which functions. */
public final class FakeHosts {
    private FakeHosts() {}

    /** Syscalls with sys_enter_/sys_exit_ tracepoints and __x64_sys_ functions; no open(2) nor creat(2). */
    public static final Set<String> SYSCALLS = Set.of("openat", "openat2", "read", "write", "pread64", "pwrite64", "readv",
            "writev", "connect", "execve", "setuid", "mount", "close", "dup");

    /** Kernel functions besides the syscall wrappers. */
    public static final Set<String> FUNCTIONS = Set.of("security_file_open", "security_file_permission", "tcp_connect",
            "security_socket_connect", "security_bprm_check", "fd_install", "commit_creds");

    public static final String SYS_ENTER_OPENAT = """
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

    public static final String RAW_SYS_ENTER = """
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

    public static final String SCHED_EXEC = """
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

    /** The fake x86_64 kernel. */
    public static FixedHostFacts x86() {
        Map<String, String> formats = new HashMap<>();
        for (String s : SYSCALLS) {
            formats.put("syscalls/sys_enter_" + s, "name: sys_enter_" + s + "\n");
            formats.put("syscalls/sys_exit_" + s, "name: sys_exit_" + s + "\n");
        }
        formats.put("syscalls/sys_enter_openat", SYS_ENTER_OPENAT);
        formats.put("raw_syscalls/sys_enter", RAW_SYS_ENTER);
        formats.put("sched/sched_process_exec", SCHED_EXEC);
        Set<String> functions = new java.util.HashSet<>(FUNCTIONS);
        SYSCALLS.forEach(s -> functions.add("__x64_sys_" + s));
        return new FixedHostFacts("x86_64", formats, functions);
    }

    /** The fake x86_64 kernel with fanotify: post-only file-open hooks go on FAN_OPEN marks there. */
    public static HostFacts x86WithFanotify() {
        return withFanotify(x86());
    }

    /** base with fanotify (FixedHostFacts plans as for a host without it); everything else is base's. */
    public static HostFacts withFanotify(HostFacts base) {
        return new HostFacts() {
            @Override
            public String arch() {
                return base.arch();
            }

            @Override
            public Optional<String> tracepointFormat(String subsystemEvent) {
                return base.tracepointFormat(subsystemEvent);
            }

            @Override
            public boolean tracepointExists(String subsystemEvent) {
                return base.tracepointExists(subsystemEvent);
            }

            @Override
            public boolean functionExists(String name) {
                return base.functionExists(name);
            }

            @Override
            public boolean bpfLsm() {
                return base.bpfLsm();
            }

            @Override
            public boolean fanotify() {
                return true;
            }

            @Override
            public Optional<Path> cgroup2Root() {
                return base.cgroup2Root();
            }

            @Override
            public List<String> syscalls() {
                return base.syscalls();
            }

            @Override
            public List<String> ftraceFunctions() {
                return base.ftraceFunctions();
            }

            @Override
            public boolean fileExists(String path) {
                return base.fileExists(path);
            }

            @Override
            public StructFields structFields() {
                return base.structFields();
            }

            @Override
            public String syscallPrefix() {
                return base.syscallPrefix();
            }
        };
    }
}
