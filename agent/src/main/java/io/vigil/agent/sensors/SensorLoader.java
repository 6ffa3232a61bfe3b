package io.vigil.agent.sensors;

import io.vigil.bpf.Backend;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads sensors on the chosen backend, sharing maps by name between their objects. A sensor whose
 * kprobe/fentry variant the kernel refuses (a symbol missing on this build, say) falls back to its
 * tracepoint variant; the fallback and its reason are reported in {@code vigil status}.
 */
public final class SensorLoader {
    private static final Logger log = LoggerFactory.getLogger(SensorLoader.class);

    private final List<String> sharedMapNames;

    public SensorLoader(List<String> sharedMapNames) {
        this.sharedMapNames = List.copyOf(sharedMapNames);
    }

    public LoadedSensors load(List<SensorSpec> specs, Backend backend) throws BpfException {
        Map<String, BpfMap> shared = new LinkedHashMap<>();
        List<AttachedSensor> attached = new ArrayList<>();
        List<BpfLink> links = new ArrayList<>();
        List<BpfObject> objects = new ArrayList<>();
        boolean ok = false;
        try {
            for (SensorSpec spec : specs) {
                String program = spec.program(backend);
                String fallback = null;
                Loaded l;
                try {
                    l = loadOne(spec, program, shared);
                } catch (BpfException e) {
                    if (backend == Backend.TRACEPOINT || program.equals(spec.program(Backend.TRACEPOINT))) {
                        throw e;
                    }
                    fallback = program + " refused: " + firstLine(e.getMessage());
                    log.warn("sensor {}: {}; using its tracepoint variant", spec.name(), fallback);
                    program = spec.program(Backend.TRACEPOINT);
                    l = loadOne(spec, program, shared);
                }
                objects.add(l.object);
                links.add(l.link);
                Backend used = fallback == null ? backend : Backend.TRACEPOINT;
                attached.add(new AttachedSensor(spec.name(), program, used, fallback));
                log.info("sensor {} attached: program {} ({})", spec.name(), program, used.displayName());
            }
            ok = true;
            return new LoadedSensors(attached, shared, links, objects);
        } finally {
            if (!ok) {
                links.forEach(BpfLink::close);
                objects.forEach(BpfObject::close);
            }
        }
    }

    private record Loaded(BpfObject object, BpfLink link) {}

    private Loaded loadOne(SensorSpec spec, String program, Map<String, BpfMap> shared) throws BpfException {
        BpfObject obj = BpfObject.openResource("/bpf/" + spec.object() + ".bpf.o");
        try {
            for (String p : obj.programNames()) {
                obj.setAutoload(p, p.equals(program));
            }
            for (String m : sharedMapNames) {
                BpfMap existing = shared.get(m);
                if (existing != null && obj.hasMap(m)) {
                    obj.reuseMap(m, existing.fd());
                }
            }
            obj.load();
            BpfLink link = obj.program(program).attach();
            for (String m : sharedMapNames) {
                if (!shared.containsKey(m) && obj.hasMap(m)) {
                    shared.put(m, obj.map(m));
                }
            }
            return new Loaded(obj, link);
        } catch (BpfException | RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
