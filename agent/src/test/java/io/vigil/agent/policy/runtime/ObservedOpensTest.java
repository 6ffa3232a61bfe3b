package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericMsg;
import io.vigil.bpf.wire.MsgDecoder;
import io.vigil.enforcement.fanotify.OpenedFile;
import io.vigil.policy.HookSpec;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An observed open becomes records with the opener the lookup names, not the pid's process at read time. */
class ObservedOpensTest {
    private static final long READ_KTIME = 9_000;
    private static final String CAT = "/tmp/shortcat";

    private final List<byte[]> records = new ArrayList<>();
    private final Map<Integer, OpenerLookup.Opener> openers = new HashMap<>();
    private final List<Integer> asked = new ArrayList<>();
    private final ObservedOpens opens = new ObservedOpens(records::add, (pid, readKtime) -> {
        assertEquals(READ_KTIME, readKtime, "asked with the read time");
        asked.add(pid);
        return openers.getOrDefault(pid, OpenerLookup.Opener.UNKNOWN);
    }, () -> READ_KTIME);

    @Test
    void anExitedOpenerTheLookupKnowsIsMatchedByItsBinaryAndKeyed() throws Exception {
        opens.add(hook(7), spec("In", CAT), Map.of());
        openers.put(100, new OpenerLookup.Opener(CAT, 1_000));   // gone from /proc, known to the cache
        opens.opened(new OpenedFile(100, "/obs/f", 1, 2));
        assertEquals(1, records.size());
        GenericMsg m = (GenericMsg) MsgDecoder.decode(ByteBuffer.wrap(records.get(0)));
        assertEquals(new ExecveKey(100, 1_000), m.process(), "the cache's key, so the event names the opener");
        assertEquals(7, m.hookId());
        assertEquals(0, m.selector());
        assertEquals(READ_KTIME, m.ktime());
    }

    @Test
    void aPidNowHeldByAnotherBinaryIsNotMatchedAsTheOldOne() throws Exception {
        opens.add(hook(7), spec("In", CAT), Map.of());
        openers.put(100, new OpenerLookup.Opener("/usr/bin/other", 5_000));
        opens.opened(new OpenedFile(100, "/obs/f", 1, 2));
        openers.put(101, OpenerLookup.Opener.UNKNOWN);             // neither live nor cached
        opens.opened(new OpenedFile(101, "/obs/f", 1, 2));
        assertEquals(List.of(), records);
    }

    @Test
    void anUnknownOpenerMatchesNoNotInEither() throws Exception {
        opens.add(hook(7), spec("NotIn", CAT), Map.of());
        opens.opened(new OpenedFile(101, "/obs/f", 1, 2));
        assertEquals(List.of(), records, "as in the BPF hook, an unknown binary matches no matchBinaries");
        openers.put(102, new OpenerLookup.Opener("/usr/bin/other", 3_000));
        opens.opened(new OpenedFile(102, "/obs/f", 1, 2));
        assertEquals(1, records.size());
    }

    @Test
    void theLookupIsAskedOncePerOpenAndOnlyWhenARuleLooks() throws Exception {
        opens.opened(new OpenedFile(100, "/obs/f", 1, 2));
        assertEquals(List.of(), asked, "no rule, no lookup");
        opens.add(hook(7), spec("In", CAT), Map.of());
        opens.add(hook(8), spec("In", CAT), Map.of());
        openers.put(100, new OpenerLookup.Opener(CAT, 1_000));
        opens.opened(new OpenedFile(100, "/obs/f", 1, 2));
        assertEquals(List.of(100), asked);
        assertEquals(2, records.size(), "one record per rule");
        assertTrue(opens.remove(opens.add(hook(9), spec("In", CAT), Map.of())));
    }

    private static HookDescriptor hook(int id) {
        return new HookDescriptor(id, "p", Optional.empty(), HookDescriptor.Kind.KPROBE, "security_file_open", "", "",
                List.of(new HookDescriptor.ArgDescriptor(GenericAbi.ArgType.FILE, "file", Optional.empty())),
                Optional.empty(), Optional.empty(), List.of());
    }

    private static HookSpec spec(String operator, String binary) {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "p"
                spec:
                  kprobes:
                  - call: "security_file_open"
                    syscall: false
                    args:
                    - index: 0
                      type: "file"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["/obs/"]
                      matchBinaries:
                      - operator: "%s"
                        values: ["%s"]
                """.formatted(operator, binary), Path.of("p.yaml"));
        assertTrue(r.ok(), r.errors()::toString);
        return r.policies().get(0).spec().kprobes().get(0);
    }
}
