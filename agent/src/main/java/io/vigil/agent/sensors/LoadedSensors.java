package io.vigil.agent.sensors;

import io.vigil.agent.pins.PinGroup;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The sensors in the kernel, their shared maps; closing detaches everything. */
public final class LoadedSensors implements AutoCloseable {
    private final List<AttachedSensor> attached;
    private final Map<String, BpfMap> sharedMaps;
    private final List<BpfLink> links;
    private final List<BpfObject> objects;

    LoadedSensors(List<AttachedSensor> attached, Map<String, BpfMap> sharedMaps, List<BpfLink> links,
                  List<BpfObject> objects) {
        this.attached = List.copyOf(attached);
        this.sharedMaps = Map.copyOf(sharedMaps);
        this.links = new ArrayList<>(links);
        this.objects = new ArrayList<>(objects);
    }

    public List<AttachedSensor> attached() {
        return attached;
    }

    /** Every shared map by name, for objects loaded later (policy hooks) to reuse. */
    public Map<String, BpfMap> sharedMaps() {
        return sharedMaps;
    }

    public BpfMap map(String name) {
        BpfMap m = sharedMaps.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no shared map " + name);
        }
        return m;
    }

    /** Pins every sensor's link as {@code <sensor>-<program>}: the policy hooks' matchBinaries and process keys need them running. */
    public void pin(PinGroup group) throws BpfException {
        for (int i = 0; i < links.size(); i++) {
            group.pin(links.get(i), attached.get(i).sensor() + "-" + attached.get(i).program());
        }
    }

    @Override
    public void close() {
        List<BpfLink> l = new ArrayList<>(links);
        Collections.reverse(l);
        for (BpfLink link : l) {
            link.close();
        }
        for (BpfObject o : objects) {
            o.close();
        }
        links.clear();
        objects.clear();
    }
}
