package io.vigil.agent.policy.runtime;

import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.util.ArrayList;
import java.util.List;

/** Test double: records installs and uninstalls; refuses policies whose name is in {@link #refuse}. */
final class RecordingInstaller implements PolicyInstaller {
    record Inst(String name, String version, PolicyMode mode, int hooks) implements Installed {}

    final List<Inst> live = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<String> refuse = new ArrayList<>();

    @Override
    public Installed install(TracingPolicy p, PolicyMode mode) throws PolicyInstallException {
        if (refuse.contains(p.name())) {
            throw new PolicyInstallException("hook sys_nothing does not exist on this kernel");
        }
        Inst i = new Inst(p.name(), p.spec().hooks().get(0).target(), mode, p.spec().hooks().size());
        live.add(i);
        log.add("install " + p.name() + " " + i.version() + " " + mode.spelling());
        return i;
    }

    @Override
    public void uninstall(Installed installed) {
        Inst i = (Inst) installed;
        if (!live.remove(i)) {
            throw new AssertionError("uninstalled twice: " + i);
        }
        log.add("uninstall " + i.name() + " " + i.version());
    }
}
