package ddl.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @Test
    void headerIsAPythonDictAndDataStartsAtASixtyFourByteBoundary() throws IOException {
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", Npy.header(new int[] {10}));
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3, 1, 32), }",
                Npy.header(new int[] {3, 3, 1, 32}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, new int[] {2, 3});
        byte[] b = out.toByteArray();
        assertEquals(0x93, b[0] & 0xFF);
        assertEquals("NUMPY", new String(b, 1, 5, java.nio.charset.StandardCharsets.US_ASCII));
        int headerLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        assertEquals(0, (10 + headerLength) % 64);
        assertEquals('\n', b[10 + headerLength - 1]);
        assertEquals(10 + headerLength + 6 * 4, b.length);
        assertEquals(1.5f, ByteBuffer.wrap(b, 10 + headerLength, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void numpyReadsWhatItWrites(@TempDir Path dir) throws Exception {
        String python = Python.withNumpy();
        assumeTrue(python != null, "no python3 with numpy (scripts/test installs Debian's python3-numpy)");
        float[] values = new float[2 * 3 * 70_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 7;
        }
        Path file = dir.resolve("a.npy");
        try (OutputStream out = Files.newOutputStream(file)) {
            Npy.write(out, values, new int[] {2, 3, 70_000});
        }
        String printed = Python.run(python, "-c", "import numpy as np, sys; a = np.load(sys.argv[1]); "
                + "print(a.dtype, a.shape, a[1, 2, 69999], a.flags['C_CONTIGUOUS'])", file.toString()).strip();
        assertEquals("float32 (2, 3, 70000) " + values[values.length - 1] + " True", printed);
    }
}
