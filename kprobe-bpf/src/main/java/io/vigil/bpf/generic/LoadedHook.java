package io.vigil.bpf.generic;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** The fd of one of the hook's programs (a dispatch member's, for the prog array). */
    public int programFd(String program) {
        return object.program(program).fd();
    }

    /** The links, in the order of {@link HookImage#attachments()}. */
    public List<BpfLink> links() {
        return links;
    }

    /**
     * Sets or clears the monitor flag in the running hook's gen_config[0] (policy-mode): the programs
     * stay attached and read the flag on their next run. Returns whether the flag was set before.
     */
    public synchronized boolean setMonitor(boolean monitor) throws BpfException {
        BpfMap config = object.map("gen_config");
        byte[] value = config.lookup(0);
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int flags = b.getInt(GenericAbi.Config.FLAGS);
        boolean was = (flags & GenericAbi.HookFlag.MONITOR) != 0;
        if (was != monitor) {
            b.putInt(GenericAbi.Config.FLAGS, monitor ? flags | GenericAbi.HookFlag.MONITOR : flags & ~GenericAbi.HookFlag.MONITOR);
            config.update(0, value);   // one aligned u32 changes: a program reading meanwhile sees either flag
        }
        return was;
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
