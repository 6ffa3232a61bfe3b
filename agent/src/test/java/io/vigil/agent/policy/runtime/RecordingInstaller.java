package io.vigil.agent.policy.runtime;

import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: records installs and uninstalls; refuses policies whose name is in {@link #refuse}.
 * Counts calls that overlap, which the manager's contract forbids.
 */
final class RecordingInstaller implements PolicyInstaller {
    record Inst(String name, String version, PolicyMode mode, int hooks) implements Installed {}

    final List<Inst> live = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<String> refuse = new ArrayList<>();
    final AtomicInteger overlaps = new AtomicInteger();
    /** Switch modes in place (as the kernel installer does) instead of letting the manager reinstall. */
    boolean switchesInPlace;
    private final AtomicInteger inside = new AtomicInteger();

    @Override
    public Installed install(TracingPolicy p, PolicyMode mode) throws PolicyInstallException {
        enter();
        try {
            if (refuse.contains(p.name())) {
                throw new PolicyInstallException("hook sys_nothing does not exist on this kernel");
            }
            Inst i = new Inst(p.name(), p.spec().hooks().get(0).target(), mode, p.spec().hooks().size());
            live.add(i);
            log.add("install " + p.name() + " " + i.version() + " " + mode.spelling());
            return i;
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void uninstall(Installed installed) {
        enter();
        try {
            Inst i = (Inst) installed;
            if (!live.remove(i)) {
                throw new AssertionError("uninstalled twice: " + i);
            }
            log.add("uninstall " + i.name() + " " + i.version());
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public boolean switchMode(Installed installed, PolicyMode mode) throws PolicyInstallException {
        if (!switchesInPlace) {
            return false;
        }
        enter();
        try {
            Inst i = (Inst) installed;
            if (refuse.contains(i.name())) {
                throw new PolicyInstallException("gen_config of " + i.name() + " cannot be written");
            }
            log.add("switch " + i.name() + " " + mode.spelling());
            return true;
        } finally {
            inside.decrementAndGet();
        }
    }

    private void enter() {
        if (inside.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        Thread.onSpinWait(); // widen the window a little: overlapping callers then show
    }
}
