package io.vigil.agent.asset;

import io.vigil.agent.policy.runtime.AssetPolicySink;
import io.vigil.agent.policy.runtime.PolicyInstallException;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.policy.asset.AssetProtectionPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Starts the guard with the first asset policy: until then no cgroup program sits on the
 * connects and packets of the host.
 */
public final class LazyAssetGuard implements AssetPolicySink, AutoCloseable {
    private final Map<String, BpfMap> sensorMaps;
    private final Predicate<byte[]> records;
    private final LongSupplier bootNanos;
    private final Consumer<AssetGuard> started;
    private AssetGuard guard;

    public LazyAssetGuard(Map<String, BpfMap> sensorMaps, Predicate<byte[]> records, LongSupplier bootNanos,
                          Consumer<AssetGuard> started) {
        this.sensorMaps = Map.copyOf(sensorMaps);
        this.records = records;
        this.bootNanos = bootNanos;
        this.started = started;
    }

    @Override
    public synchronized void applyFile(Path file, List<AssetProtectionPolicy> policies) throws PolicyInstallException {
        if (guard == null) {
            if (policies.isEmpty()) {
                return;
            }
            try {
                guard = AssetGuard.start(sensorMaps, records, bootNanos);
            } catch (BpfException e) {
                throw new PolicyInstallException("the model-theft guard cannot start: " + e.getMessage(), e);
            }
            started.accept(guard);
        }
        guard.applyFile(file, policies);
    }

    @Override
    public synchronized void removeFile(Path file) {
        if (guard != null) {
            guard.removeFile(file);
        }
    }

    public synchronized Optional<AssetGuard> guard() {
        return Optional.ofNullable(guard);
    }

    @Override
    public synchronized void close() {
        if (guard != null) {
            guard.close();
        }
    }
}
