package dev.switchboard.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 (Unicode's table 3-7): no overlong forms, no surrogates, nothing past U+10FFFF.
 * Jackson's parser takes overlong forms ({@code C0 AF} reads as {@code /}) and code points past
 * U+10FFFF, and, given bytes with zeros among them, reads them as UTF-16 or UTF-32; a body the
 * gateway reads one way and forwards byte for byte to a provider that reads it another must not
 * get through.
 */
public final class Utf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;

    private Utf8() {}

    /**
     * Whether {@code b} is strict UTF-8 holding no NUL byte. JSON text never holds a raw NUL (it
     * must be escaped in strings), and refusing it refuses UTF-16 and UTF-32, whose ASCII
     * characters carry zero bytes.
     */
    public static boolean validJsonText(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            if (i + 8 <= n) {
                long w = (long) LONGS.get(b, i);
                // eight ASCII bytes, none zero: the common case, eight at a time
                if ((w & HIGH_BITS) == 0 && ((w - LOW_BITS) & ~w & HIGH_BITS) == 0) {
                    i += 8;
                    continue;
                }
            }
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c == 0) return false;
                i++;
            } else if (c >= 0xc2 && c <= 0xdf) {
                if (i + 1 >= n || !cont(b[i + 1])) return false;
                i += 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                if (i + 2 >= n) return false;
                int c1 = b[i + 1] & 0xff;
                int lo = c == 0xe0 ? 0xa0 : 0x80; // E0: no overlong
                int hi = c == 0xed ? 0x9f : 0xbf; // ED: no surrogates
                if (c1 < lo || c1 > hi || !cont(b[i + 2])) return false;
                i += 3;
            } else if (c >= 0xf0 && c <= 0xf4) {
                if (i + 3 >= n) return false;
                int c1 = b[i + 1] & 0xff;
                int lo = c == 0xf0 ? 0x90 : 0x80; // F0: no overlong
                int hi = c == 0xf4 ? 0x8f : 0xbf; // F4: nothing past U+10FFFF
                if (c1 < lo || c1 > hi || !cont(b[i + 2]) || !cont(b[i + 3])) return false;
                i += 4;
            } else {
                return false; // 80-C1 (a continuation or an overlong lead), F5-FF
            }
        }
        return true;
    }

    private static boolean cont(byte x) {
        return (x & 0xc0) == 0x80;
    }
}
