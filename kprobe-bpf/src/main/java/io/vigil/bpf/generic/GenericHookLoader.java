package io.vigil.bpf.generic;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads one {@link HookImage} into the kernel: opens its generic object (resource
 * bpf/NAME.bpf.o), makes it use the base sensors' maps (events, vigil_stats, execve_map: every
 * map of the object whose name is in {@code sharedMaps}, as io.vigil.agent.sensors.SensorLoader
 * shares maps by name), loads only the programs it attaches, writes gen_config[0] and the value
 * maps, and only then attaches, so the hook never runs unconfigured.
 */
public final class GenericHookLoader {
    private final Map<String, BpfMap> sharedMaps;

    /** The base sensors' maps a dispatcher object shares too. */
    Map<String, BpfMap> sharedMaps() {
        return sharedMaps;
    }

    /** @param sharedMaps maps of the loaded base sensors by name (at least events, vigil_stats, execve_map) */
    public GenericHookLoader(Map<String, BpfMap> sharedMaps) {
        this.sharedMaps = Map.copyOf(sharedMaps);
    }

    /**
     * @throws io.vigil.bpf.BpfLoadException when the verifier refuses a program (errno and log inside)
     * @throws BpfException when a map write or an attach fails; nothing stays loaded then
     */
    public LoadedHook load(HookImage image) throws BpfException {
        return load(image, Map.of(), true);
    }

    /**
     * Loads a hook as a member of a dispatcher ({@link DispatchGroup}): its generic_tp_enter is
     * loaded with the MEMBER flag, uses the group's maps, and is not attached (the group puts it in
     * its prog array). The image must attach only generic_tp_enter to a syscall enter tracepoint.
     */
    LoadedHook loadMember(HookImage image, Map<String, BpfMap> groupMaps) throws BpfException {
        if (image.attachments().size() != 1 || !image.attachments().get(0).program().equals(DispatchGroup.MEMBER_PROGRAM)) {
            throw new IllegalArgumentException("a dispatch member attaches " + DispatchGroup.MEMBER_PROGRAM + " only: " + image.attachments());
        }
        byte[] config = image.config();
        ByteBuffer b = ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GenericAbi.Config.FLAGS, b.getInt(GenericAbi.Config.FLAGS) | GenericAbi.HookFlag.MEMBER);
        return load(new HookImage(image.object(), image.attachments(), config, image.entries()), groupMaps, false);
    }

    private LoadedHook load(HookImage image, Map<String, BpfMap> extraMaps, boolean attach) throws BpfException {
        if (image.attachments().isEmpty()) {
            throw new IllegalArgumentException("hook image of " + image.object() + " attaches nothing");
        }
        byte[] config = image.config();
        if (config.length != GenericAbi.Config.SIZEOF) {
            throw new IllegalArgumentException("gen_config must be " + GenericAbi.Config.SIZEOF + " bytes, not " + config.length);
        }
        BpfObject obj = BpfObject.openResource("/bpf/" + image.object() + ".bpf.o");
        List<BpfLink> links = new ArrayList<>();
        try {
            Set<String> wanted = image.attachments().stream().map(HookImage.Attachment::program).collect(Collectors.toSet());
            for (String p : obj.programNames()) {
                obj.setAutoload(p, wanted.contains(p));
            }
            for (HookImage.Attachment a : image.attachments()) {
                switch (a.kind()) {
                    case FENTRY, FEXIT, TP_BTF, LSM -> obj.setAttachTarget(a.program(), a.target());
                    default -> { }
                }
            }
            for (Map<String, BpfMap> maps : List.of(sharedMaps, extraMaps)) {
                for (Map.Entry<String, BpfMap> m : maps.entrySet()) {
                    if (obj.hasMap(m.getKey())) {
                        obj.reuseMap(m.getKey(), m.getValue().fd());
                    }
                }
            }
            obj.load();
            obj.map("gen_config").update(0, config);
            for (HookImage.MapEntry e : image.entries()) {
                obj.map(e.map()).update(e.key(), e.value());
            }
            for (HookImage.Attachment a : attach ? image.attachments() : List.<HookImage.Attachment>of()) {
                links.add(attach(obj, a));
            }
            return new LoadedHook(image, obj, links);
        } catch (BpfException | RuntimeException e) {
            for (int i = links.size() - 1; i >= 0; i--) {
                links.get(i).close();
            }
            obj.close();
            throw e;
        }
    }

    private static BpfLink attach(BpfObject obj, HookImage.Attachment a) throws BpfException {
        return switch (a.kind()) {
            case TRACEPOINT -> {
                int slash = a.target().indexOf('/');
                if (slash <= 0 || slash == a.target().length() - 1) {
                    throw new IllegalArgumentException("tracepoint target must be category/event, not '" + a.target() + "'");
                }
                yield obj.program(a.program()).attachTracepoint(a.target().substring(0, slash), a.target().substring(slash + 1));
            }
            case KPROBE -> obj.program(a.program()).attachKprobe(a.target(), false);
            case CGROUP -> obj.program(a.program()).attachCgroup(Path.of(a.target()));
            case KRETPROBE -> obj.program(a.program()).attachKprobe(a.target(), true);
            case UPROBE -> {
                int colon = a.target().lastIndexOf(':');
                if (colon <= 0 || colon == a.target().length() - 1) {
                    throw new IllegalArgumentException("uprobe target must be \"path:symbol\": " + a.target());
                }
                yield obj.program(a.program()).attachUprobe(a.target().substring(0, colon), a.target().substring(colon + 1), false);
            }
            case USDT -> {
                // the path may hold ':' itself: provider and name are the last two fields
                int second = a.target().lastIndexOf(':');
                int first = second <= 0 ? -1 : a.target().lastIndexOf(':', second - 1);
                if (first <= 0 || second == first + 1 || second == a.target().length() - 1) {
                    throw new IllegalArgumentException("usdt target must be \"path:provider:name\": " + a.target());
                }
                yield obj.program(a.program()).attachUsdt(a.target().substring(0, first),
                        a.target().substring(first + 1, second), a.target().substring(second + 1));
            }
            case FENTRY, FEXIT, TP_BTF, LSM -> obj.program(a.program()).attach();
            case FANOTIFY -> throw new IllegalArgumentException("a fanotify hook has no BPF program to attach: " + a);
        };
    }
}
