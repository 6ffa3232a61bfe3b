package io.vigil.api.json;

import static io.vigil.api.json.ProtoFields.string;
import static io.vigil.api.json.ProtoFields.strings;
import static io.vigil.api.json.ProtoFields.uint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.ArgValue;
import io.vigil.api.KprobeArgument;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/** Tetragon's {@code KprobeArgument}: the oneof member that is set (each argument type's object), then label. */
final class ArgumentJson {
    private ArgumentJson() {
    }

    /** {@code "args":[...]}, left out when there are none. */
    static void writeArgs(JsonGenerator g, List<KprobeArgument> args) throws IOException {
        if (args.isEmpty()) {
            return;
        }
        g.writeFieldName("args");
        g.writeStartArray();
        for (KprobeArgument a : args) {
            write(g, a);
        }
        g.writeEndArray();
    }

    static void write(JsonGenerator g, KprobeArgument a) throws IOException {
        g.writeStartObject();
        ArgValue v = a.value();
        g.writeFieldName(v.jsonKey());
        if (v instanceof ArgValue.IntArg x) {
            g.writeNumber(x.value());
        } else if (v instanceof ArgValue.UintArg x) {
            g.writeNumber(x.value());
        } else if (v instanceof ArgValue.SizeArg x) {
            g.writeString(Long.toUnsignedString(x.value()));
        } else if (v instanceof ArgValue.LongArg x) {
            g.writeString(Long.toString(x.value()));
        } else if (v instanceof ArgValue.StringArg x) {
            g.writeString(x.value());
        } else if (v instanceof ArgValue.BytesArg x) {
            g.writeString(Base64.getEncoder().encodeToString(x.value()));
        } else if (v instanceof ArgValue.FileArg x) {
            pathObject(g, x.path(), x.flags(), x.permission());
        } else if (v instanceof ArgValue.PathArg x) {
            pathObject(g, x.path(), x.flags(), x.permission());
        } else if (v instanceof ArgValue.LinuxBinprmArg x) {
            pathObject(g, x.path(), x.flags(), x.permission());
        } else if (v instanceof ArgValue.NetDevArg x) {
            g.writeStartObject();
            string(g, "name", x.name());
            g.writeEndObject();
        } else if (v instanceof ArgValue.BpfAttrArg x) {
            writeBpfAttr(g, x);
        } else if (v instanceof ArgValue.BpfMapArg x) {
            writeBpfMap(g, x);
        } else if (v instanceof ArgValue.UserNsArg x) {
            writeUserNs(g, x);
        } else if (v instanceof ArgValue.ModuleArg x) {
            g.writeStartObject();
            string(g, "name", x.name());
            strings(g, "tainted", x.tainted());
            g.writeEndObject();
        } else if (v instanceof ArgValue.SockArg x) {
            writeSock(g, x);
        } else if (v instanceof ArgValue.SkbArg x) {
            writeSkb(g, x);
        } else if (v instanceof ArgValue.SockaddrArg x) {
            g.writeStartObject();
            string(g, "family", x.family());
            string(g, "addr", x.addr());
            uint(g, "port", x.port());
            g.writeEndObject();
        } else if (v instanceof ArgValue.CredArg x) {
            writeCred(g, x);
        } else if (v instanceof ArgValue.CapabilityArg x) {
            g.writeStartObject();
            g.writeFieldName("value"); // Int32Value: written even when 0
            g.writeNumber(x.value());
            string(g, "name", x.name());
            g.writeEndObject();
        } else if (v instanceof ArgValue.CapSetArg x) {
            g.writeString(x.hex());
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
        string(g, "label", a.label());
        g.writeEndObject();
    }

    /** KprobeFile, KprobePath and KprobeLinuxBinprm share path, flags, permission (mount is not sent). */
    private static void pathObject(JsonGenerator g, String path, String flags, String permission) throws IOException {
        g.writeStartObject();
        string(g, "path", path);
        string(g, "flags", flags);
        string(g, "permission", permission);
        g.writeEndObject();
    }

    /** Tetragon's proto names these fields in CamelCase, and protojson keeps them. */
    private static void writeBpfAttr(JsonGenerator g, ArgValue.BpfAttrArg x) throws IOException {
        g.writeStartObject();
        string(g, "ProgType", x.progType());
        uint(g, "InsnCnt", x.insnCnt());
        string(g, "ProgName", x.progName());
        g.writeEndObject();
    }

    private static void writeBpfMap(JsonGenerator g, ArgValue.BpfMapArg x) throws IOException {
        g.writeStartObject();
        string(g, "MapType", x.mapType());
        uint(g, "KeySize", x.keySize());
        uint(g, "ValueSize", x.valueSize());
        uint(g, "MaxEntries", x.maxEntries());
        string(g, "MapName", x.mapName());
        g.writeEndObject();
    }

    /** level, uid, gid are wrapper types in Tetragon's proto: written even when 0. */
    private static void writeUserNs(JsonGenerator g, ArgValue.UserNsArg x) throws IOException {
        g.writeStartObject();
        g.writeNumberField("level", x.level());
        g.writeNumberField("uid", x.uid());
        g.writeNumberField("gid", x.gid());
        g.writeObjectFieldStart("ns");
        uint(g, "inum", x.inum());
        if (x.isHost()) {
            g.writeBooleanField("is_host", true);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeSock(JsonGenerator g, ArgValue.SockArg x) throws IOException {
        g.writeStartObject();
        string(g, "family", x.family());
        string(g, "type", x.type());
        string(g, "protocol", x.protocol());
        uint(g, "mark", x.mark());
        uint(g, "priority", x.priority());
        string(g, "saddr", x.saddr());
        string(g, "daddr", x.daddr());
        uint(g, "sport", x.sport());
        uint(g, "dport", x.dport());
        if (x.cookie() != 0) {
            g.writeFieldName("cookie"); // uint64: a string
            g.writeString(Long.toUnsignedString(x.cookie()));
        }
        string(g, "state", x.state());
        g.writeEndObject();
    }

    private static void writeSkb(JsonGenerator g, ArgValue.SkbArg x) throws IOException {
        g.writeStartObject();
        string(g, "saddr", x.saddr());
        string(g, "daddr", x.daddr());
        uint(g, "sport", x.sport());
        uint(g, "dport", x.dport());
        uint(g, "proto", x.proto());
        string(g, "protocol", x.protocol());
        string(g, "family", x.family());
        g.writeEndObject();
    }

    /** ProcessCredentials: the ids are UInt32Value wrappers, always written; caps is always set. */
    private static void writeCred(JsonGenerator g, ArgValue.CredArg x) throws IOException {
        g.writeStartObject();
        long[] ids = {x.uid(), x.gid(), x.euid(), x.egid(), x.suid(), x.sgid(), x.fsuid(), x.fsgid()};
        String[] names = {"uid", "gid", "euid", "egid", "suid", "sgid", "fsuid", "fsgid"};
        for (int i = 0; i < ids.length; i++) {
            g.writeFieldName(names[i]);
            g.writeNumber(ids[i]);
        }
        g.writeFieldName("caps");
        g.writeStartObject();
        strings(g, "permitted", x.permitted());
        strings(g, "effective", x.effective());
        strings(g, "inheritable", x.inheritable());
        g.writeEndObject();
        g.writeEndObject();
    }
}
