package io.vigil.agent.policy.runtime;

import io.vigil.agent.pins.LinkPins;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.bpf.Backend;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.util.List;
import java.util.function.Predicate;

/**
 * Puts one policy into the kernel and takes it out. The manager calls it from one thread at a time.
 * {@link #install} is all or nothing: when it throws, nothing of the policy stays loaded. A mode
 * change is done in place when the installer can ({@link #switchMode}), else by a second install in
 * the other mode.
 */
public interface PolicyInstaller {

    /** A policy in the kernel. */
    interface Installed {
        /** Hooks attached, for listings. */
        int hooks();

        /** Where the hooks are attached ("tracepoint syscalls/sys_enter_read"), for status. */
        default List<String> attachments() {
            return List.of();
        }
    }

    /**
     * Makes the agent's installer once its base sensors are in the kernel: policy hooks run on the
     * agent's backend and share the sensors' maps ({@code events}, {@code execve_map}, {@code bin_*}); the installer
     * registers each hook's descriptor in {@code hooks} before attaching it and removes it after detaching.
     */
    @FunctionalInterface
    interface Factory {
        PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks);

        /**
         * As {@link #create(Backend, LoadedSensors, HookRegistry)}, with the agent's event path for
         * records the installer's hooks make in user space (fanotify decisions): offer returns false
         * when the path is full (the record is dropped and counted).
         */
        default PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks,
                Predicate<byte[]> records) {
            return create(backend, sensors, hooks);
        }

        /** As the above, pinning the hooks' links in {@code pins} (--keep-sensors-on-exit) and unpinning them on uninstall. */
        default PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks,
                Predicate<byte[]> records, LinkPins pins) {
            return create(backend, sensors, hooks, records);
        }

        /** As the above; {@code fanotifyOverflow} runs each time the kernel dropped observed opens (a full fanotify queue). */
        default PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks,
                Predicate<byte[]> records, LinkPins pins, Runnable fanotifyOverflow) {
            return create(backend, sensors, hooks, records, pins);
        }

        /** As the above; {@code openers} names the process behind an open read after the fact (fanotify observation). */
        default PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks,
                Predicate<byte[]> records, LinkPins pins, Runnable fanotifyOverflow, OpenerLookup openers) {
            return create(backend, sensors, hooks, records, pins, fanotifyOverflow);
        }
    }

    Installed install(TracingPolicy policy, PolicyMode mode) throws PolicyInstallException;

    void uninstall(Installed installed);

    /**
     * Switches a running policy to {@code mode} in place: its hooks stay attached (no reload, no gap)
     * and only their policy-mode changes. Returns false when this installer cannot, and the manager
     * then reinstalls in the other mode; throws when the switch failed, leaving the policy as it was.
     */
    default boolean switchMode(Installed installed, PolicyMode mode) throws PolicyInstallException {
        return false;
    }
}
