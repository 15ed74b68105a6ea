package ddl.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    private static byte[] idx(int type, int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(values);
        return bytes.toByteArray();
    }

    private static byte[] values(int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (i * 37);
        }
        return v;
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    @Test
    void readsPlainThreeDimensionalFile() throws IOException {
        Path file = write("images-idx3-ubyte", idx(0x08, new int[] {3, 2, 4}, values(24)), false);
        IdxArray a = IdxReader.read(file);
        assertArrayEquals(new int[] {3, 2, 4}, a.dims());
        assertArrayEquals(values(24), a.data());
        assertEquals((5 * 37) & 0xFF, a.unsigned(5));
    }

    @Test
    void readsGzipFileRegardlessOfItsName() throws IOException {
        Path file = write("labels-without-gz-suffix", idx(0x08, new int[] {300}, values(300)), true);
        IdxArray a = IdxReader.read(file);
        assertArrayEquals(new int[] {300}, a.dims());
        assertArrayEquals(values(300), a.data());
    }

    @Test
    void readsFileWithZeroRows() throws IOException {
        Path file = write("empty", idx(0x08, new int[] {0, 28, 28}, new byte[0]), true);
        assertEquals(0, IdxReader.read(file).data().length);
    }

    @Test
    void rejectsBadMagicNumberNamingTheFile() throws IOException {
        byte[] content = idx(0x08, new int[] {2}, values(2));
        content[0] = 0x50;
        content[1] = 0x4b;
        Path file = write("zip-not-idx", content, false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void rejectsNonByteElementType() throws IOException {
        Path file = write("floats", idx(0x0D, new int[] {1}, new byte[4]), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains("0x0d"), e.getMessage());
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] full = idx(0x08, new int[] {10, 10}, values(100));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 7);
        Path file = write("truncated.gz", cut, true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] full = idx(0x08, new int[] {4}, values(5));
        Path file = write("trailing", full, false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains("after"), e.getMessage());
    }

    @Test
    void rejectsFileShorterThanMagicNumber() throws IOException {
        Path file = write("tiny", new byte[] {0, 0}, false);
        assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
    }

    @Test
    void reportsMissingFileAsUncheckedIoError() {
        Path file = dir.resolve("absent");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
