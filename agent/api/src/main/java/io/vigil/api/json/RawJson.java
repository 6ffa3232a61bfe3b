package io.vigil.api.json;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Ready-made JSON bytes for {@link com.fasterxml.jackson.core.JsonGenerator#writeRawValue(SerializableString)}:
 * the generator copies them into its buffer as they are, with no re-encoding or escaping. Only the
 * unquoted forms are the raw JSON; the quoted forms (the JSON as a string literal) are there
 * because the interface asks for them.
 */
final class RawJson implements SerializableString {
    private final byte[] utf8;

    RawJson(byte[] utf8) {
        this.utf8 = utf8;
    }

    int length() {
        return utf8.length;
    }

    @Override
    public String getValue() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return utf8.clone();
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + utf8.length > buffer.length) {
            return -1;
        }
        System.arraycopy(utf8, 0, buffer, offset, utf8.length);
        return utf8.length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(utf8);
        return utf8.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < utf8.length) {
            return -1;
        }
        buffer.put(utf8);
        return utf8.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String s = getValue();
        if (offset + s.length() > buffer.length) {
            return -1;
        }
        s.getChars(0, s.length(), buffer, offset);
        return s.length();
    }

    @Override
    public char[] asQuotedChars() {
        return JsonStringEncoder.getInstance().quoteAsString(getValue());
    }

    @Override
    public byte[] asQuotedUTF8() {
        return JsonStringEncoder.getInstance().quoteAsUTF8(getValue());
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        byte[] q = asQuotedUTF8();
        if (offset + q.length > buffer.length) {
            return -1;
        }
        System.arraycopy(q, 0, buffer, offset, q.length);
        return q.length;
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        char[] q = asQuotedChars();
        if (offset + q.length > buffer.length) {
            return -1;
        }
        System.arraycopy(q, 0, buffer, offset, q.length);
        return q.length;
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        byte[] q = asQuotedUTF8();
        out.write(q);
        return q.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        byte[] q = asQuotedUTF8();
        if (buffer.remaining() < q.length) {
            return -1;
        }
        buffer.put(q);
        return q.length;
    }
}
