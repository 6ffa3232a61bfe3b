package io.vigil.enforcement.asset;

/**
 * Bounds-checked reads of one DNS message (RFC 1035 §4). Every read past the end, every bad label
 * and every pointer chain longer than {@link #MAX_POINTERS} throws {@link Malformed}, which the
 * parser catches: a message from the network cannot make it loop or read out of bounds.
 */
final class DnsReader {
    /** Pointers followed in one name; real names use one or two, a loop uses them all. */
    static final int MAX_POINTERS = 32;
    /** RFC 1035 §2.3.4: a name is at most 255 bytes on the wire. */
    static final int MAX_NAME_BYTES = 255;

    /** The message is not well formed at some offset; cheap, as hostile input throws it often. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A name and the offset just after it where it was read (after the pointer, not its target). */
    record Name(String text, int next) {}

    private final byte[] message;

    DnsReader(byte[] message) {
        this.message = message;
    }

    int length() {
        return message.length;
    }

    int u8(int offset) throws Malformed {
        need(offset, 1);
        return message[offset] & 0xff;
    }

    int u16(int offset) throws Malformed {
        need(offset, 2);
        return (message[offset] & 0xff) << 8 | message[offset + 1] & 0xff;
    }

    long u32(int offset) throws Malformed {
        need(offset, 4);
        return (long) u16(offset) << 16 | u16(offset + 2);
    }

    byte[] bytes(int offset, int length) throws Malformed {
        need(offset, length);
        byte[] b = new byte[length];
        System.arraycopy(message, offset, b, 0, length);
        return b;
    }

    void need(int offset, int length) throws Malformed {
        if (offset < 0 || length < 0 || offset > message.length - length) {
            throw new Malformed(length + " bytes at " + offset + " past the end (" + message.length + ")");
        }
    }

    /** The name at offset, lower case (DNS compares ASCII case-insensitively), no trailing dot. */
    Name name(int offset) throws Malformed {
        StringBuilder text = new StringBuilder();
        int pos = offset;
        int next = -1;
        int pointers = 0;
        int wireBytes = 1;
        while (true) {
            int len = u8(pos);
            if ((len & 0xc0) == 0xc0) {
                if (++pointers > MAX_POINTERS) {
                    throw new Malformed("more than " + MAX_POINTERS + " compression pointers from " + offset);
                }
                int target = (len & 0x3f) << 8 | u8(pos + 1);
                if (next < 0) {
                    next = pos + 2;
                }
                pos = target;
                continue;
            }
            if ((len & 0xc0) != 0) {
                throw new Malformed("label type " + (len >> 6) + " at " + pos);
            }
            if (len == 0) {
                return new Name(text.toString(), next < 0 ? pos + 1 : next);
            }
            wireBytes += len + 1;
            if (wireBytes > MAX_NAME_BYTES) {
                throw new Malformed("name at " + offset + " longer than " + MAX_NAME_BYTES + " bytes");
            }
            need(pos + 1, len);
            if (!text.isEmpty()) {
                text.append('.');
            }
            for (int i = pos + 1; i <= pos + len; i++) {
                char c = (char) (message[i] & 0xff);
                text.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
            }
            pos += len + 1;
        }
    }
}
