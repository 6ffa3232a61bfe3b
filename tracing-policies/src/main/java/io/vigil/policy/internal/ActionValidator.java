// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ActionType;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.HookKind;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListType;
import io.vigil.policy.LsmHookSpec;
import io.vigil.policy.MatchAction;
import io.vigil.policy.VigilSupport;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One action of matchActions or matchReturnActions: the arguments it needs, the fields it ignores, and
 * the hooks it can run on (ParseMatchAction in pkg/selectors/kernel.go; selectors.md, Actions filter).
 */
final class ActionValidator {

    /** Every optional field of an action, in the order messages list them. */
    private static final List<String> ARG_FIELDS = List.of("argError", "argSig", "argFd", "argName", "argSock",
            "argIndex", "argValue", "argUrl", "argFqdn", "argRegs", "rateLimit", "rateLimitScope", "kernelStackTrace",
            "userStackTrace", "imaHash");

    /** The fields each action reads; Tetragon ignores the others. */
    private static final Map<ActionType, Set<String>> USES = new EnumMap<>(ActionType.class);

    static {
        USES.put(ActionType.POST, Set.of("rateLimit", "rateLimitScope", "kernelStackTrace", "userStackTrace", "imaHash"));
        USES.put(ActionType.FOLLOW_FD, Set.of("argFd", "argName"));
        USES.put(ActionType.UNFOLLOW_FD, Set.of("argFd", "argName"));
        USES.put(ActionType.COPY_FD, Set.of("argFd", "argName"));
        USES.put(ActionType.SIGKILL, Set.of());
        USES.put(ActionType.OVERRIDE, Set.of("argError", "argRegs"));
        USES.put(ActionType.GET_URL, Set.of("argUrl"));
        USES.put(ActionType.DNS_LOOKUP, Set.of("argFqdn"));
        USES.put(ActionType.NO_POST, Set.of());
        USES.put(ActionType.SIGNAL, Set.of("argSig"));
        USES.put(ActionType.TRACK_SOCK, Set.of("argSock"));
        USES.put(ActionType.UNTRACK_SOCK, Set.of("argSock"));
        USES.put(ActionType.NOTIFY_ENFORCER, Set.of("argError", "argSig"));
        USES.put(ActionType.CLEANUP_ENFORCER_NOTIFICATION, Set.of());
        USES.put(ActionType.SET, Set.of("argIndex", "argValue"));
    }

    /** LSM hooks whose events can carry an IMA hash (selectors.md, "File hash collection with IMA"). */
    private static final Set<String> IMA_HOOKS = Set.of("bprm_check_security", "bprm_committed_creds",
            "bprm_committing_creds", "bprm_creds_from_file", "file_ioctl", "file_lock", "file_open", "file_post_open",
            "file_receive", "mmap_file");

    private final Diagnostics diag;
    private final SourceMap src;

    ActionValidator(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
    }

    void validate(MatchAction a, HookContext c) {
        ActionType type = a.action();
        String name = type.spelling();
        if (type.deprecated()) {
            diag.warn(src.value(a, "action"), name + " is deprecated by Tetragon (unsafe; removal planned in its 1.5)"
                    + " and Vigil will not run it");
        } else if (type.support() == VigilSupport.PARSED_ONLY) {
            diag.warn(src.value(a, "action"), "action " + name + " is parsed but Vigil will not run it");
        }
        if (src.has(a, "rateLimit") && type != ActionType.POST) {
            diag.error(src.value(a, "rateLimit"), "rateLimit applies to Post only, not " + name);
        }
        for (String field : ARG_FIELDS) {
            if (src.has(a, field) && !USES.get(type).contains(field) && !field.equals("rateLimit")) {
                diag.warn(src.key(a, field), field + " is ignored by " + name);
            }
        }
        switch (type) {
            case POST -> post(a, c);
            case SIGNAL -> signal(a, a.argSig().isPresent(), true);
            case OVERRIDE -> override(a, c);
            case NOTIFY_ENFORCER -> notifyEnforcer(a, c);
            case GET_URL -> {
                if (a.argUrl().filter(u -> !u.isEmpty()).isEmpty()) {
                    diag.error(src.value(a, "action"), "GetUrl needs argUrl, the URL to fetch");
                }
            }
            case DNS_LOOKUP -> {
                if (a.argFqdn().filter(u -> !u.isEmpty()).isEmpty()) {
                    diag.error(src.value(a, "action"), "DnsLookup needs argFqdn, the name to look up");
                }
            }
            case TRACK_SOCK, UNTRACK_SOCK -> sock(a, c);
            case SET -> {
                if (c.kind() != HookKind.USDT) {
                    diag.warn(src.value(a, "action"), "Set writes USDT probe arguments; it does nothing on a "
                            + c.kind().displayName());
                }
                if (a.argIndex().isEmpty() || a.argValue().isEmpty()) {
                    diag.error(src.value(a, "action"), "Set needs argIndex (the probe argument) and argValue (the value to write)");
                }
            }
            default -> { }
        }
    }

    private void post(MatchAction a, HookContext c) {
        if (a.rateLimitScope().isPresent() && a.rateLimit().isEmpty()) {
            diag.warn(src.key(a, "rateLimitScope"), "rateLimitScope is ignored without rateLimit");
        }
        if (a.imaHash()) {
            if (!(c.hook() instanceof LsmHookSpec l)) {
                diag.warn(src.key(a, "imaHash"), "imaHash adds file hashes to LSM hook events only; it is ignored on a "
                        + c.kind().displayName());
            } else if (!IMA_HOOKS.contains(l.hook())) {
                diag.warn(src.key(a, "imaHash"), "imaHash is supported on the LSM hooks " + String.join(", ",
                        IMA_HOOKS.stream().sorted().toList()) + "; not on '" + l.hook() + "'");
            }
        }
    }

    private void signal(MatchAction a, boolean present, boolean required) {
        if (!present) {
            if (required) {
                diag.error(src.value(a, "action"), "Signal needs argSig, the signal to send (e.g. 9 for SIGKILL,"
                        + " 19 for SIGSTOP)");
            }
            return;
        }
        int sig = a.argSig().getAsInt();
        if (sig < 1 || sig > TetragonLimits.MAX_SIGNAL) {
            diag.error(src.value(a, "argSig"), "argSig " + sig + " is not a signal number (1 to " + TetragonLimits.MAX_SIGNAL + ")");
        }
    }

    /** selectors.md, Override: syscalls, functions marked ALLOW_ERROR_INJECTION, security_ hooks (5.7+); LSM hooks; uprobes. */
    private void override(MatchAction a, HookContext c) {
        if (a.argError().isEmpty() && a.argRegs().isEmpty()) {
            diag.error(src.value(a, "action"), "Override needs argError, the value the call returns instead"
                    + " (e.g. -1 for EPERM)");
        }
        if (!a.argRegs().isEmpty() && c.kind() != HookKind.UPROBE) {
            diag.warn(src.key(a, "argRegs"), "argRegs is only used by Override on uprobes; it is ignored on a "
                    + c.kind().displayName());
        }
        switch (c.kind()) {
            case TRACEPOINT -> diag.error(src.value(a, "action"), "Override cannot change the outcome of a tracepoint;"
                    + " hook the syscall with a kprobe, use an LSM hook, or use NotifyEnforcer with spec.enforcers");
            case USDT -> diag.error(src.value(a, "action"), "Override is not available on USDT probes (use Set)");
            case KPROBE -> {
                KprobeSpec k = (KprobeSpec) c.hook();
                boolean syscallList = k.listName().flatMap(n -> c.spec().list(n)).flatMap(l -> l.type())
                        .map(t -> t == ListType.SYSCALLS || t == ListType.GENERATED_SYSCALLS).orElse(false);
                if (!k.syscall() && !k.call().startsWith("security_") && !syscallList) {
                    diag.warn(src.value(a, "action"), "Override on '" + k.call() + "' works only if the kernel allows"
                            + " error injection there (ALLOW_ERROR_INJECTION, listed in /sys/kernel/debug/error_injection/list);"
                            + " syscalls and security_ hooks always allow it");
                }
            }
            default -> { }
        }
    }

    private void notifyEnforcer(MatchAction a, HookContext c) {
        if (c.spec().enforcers().isEmpty()) {
            diag.warn(src.value(a, "action"), "NotifyEnforcer needs spec.enforcers (the syscalls where the enforcer"
                    + " program runs); without one nothing is enforced");
        }
        if (a.argError().isEmpty() && a.argSig().isEmpty()) {
            diag.warn(src.value(a, "action"), "NotifyEnforcer without argError or argSig enforces nothing");
        }
        signal(a, a.argSig().isPresent(), false);
    }

    private void sock(MatchAction a, HookContext c) {
        int index = a.argSock().orElse(0);
        for (ArgSpec arg : c.args()) {
            if (arg.index() == index && arg.type() != ArgType.SOCK && arg.type() != ArgType.SOCKET
                    && arg.type() != ArgType.AUTO) {   // a socket is tracked by its sk, as in Tetragon's copy_socket
                diag.error(src.has(a, "argSock") ? src.value(a, "argSock") : src.value(a, "action"),
                        a.action().spelling() + " argSock " + index + " names argument index " + index + " of type '"
                                + arg.type().spelling() + "'; it needs a sock or socket");
            }
        }
    }
}
