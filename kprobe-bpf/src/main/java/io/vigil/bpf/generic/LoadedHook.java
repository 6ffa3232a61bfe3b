package io.vigil.bpf.generic;

import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import java.util.List;

/** A hook in the kernel ({@link GenericHookLoader#load}). {@link #close()} detaches and frees it; idempotent. */
public final class LoadedHook implements AutoCloseable {
    private final HookImage image;
    private final BpfObject object;
    private final List<BpfLink> links;

    LoadedHook(HookImage image, BpfObject object, List<BpfLink> links) {
        this.image = image;
        this.object = object;
        this.links = List.copyOf(links);
    }

    public HookImage image() {
        return image;
    }

    /** A map of the hook's object (gen_config, the value maps, or a shared one). */
    public BpfMap map(String name) {
        return object.map(name);
    }

    /** The links, in the order of {@link HookImage#attachments()}. */
    public List<BpfLink> links() {
        return links;
    }

    @Override
    public synchronized void close() {
        for (int i = links.size() - 1; i >= 0; i--) {
            links.get(i).close();
        }
        object.close();
    }

    @Override
    public String toString() {
        return "LoadedHook[" + image.object() + " " + links + "]";
    }
}
