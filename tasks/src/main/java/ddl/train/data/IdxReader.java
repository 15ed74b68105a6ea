package ddl.train.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files of unsigned bytes (the format of MNIST and Fashion-MNIST), plain or gzip-compressed.
 *
 * <p>An IDX file starts with two zero bytes, a type byte ({@code 0x08} for unsigned bytes), the number of
 * dimensions, then each dimension as a big-endian 32-bit integer, then the values. Compression is detected from
 * the content, not from the file name.
 */
public final class IdxReader {

    /** The IDX type code for unsigned bytes, the only element type this reader accepts. */
    public static final int UNSIGNED_BYTE = 0x08;

    private static final int MAX_RANK = 8;

    private IdxReader() {}

    /**
     * Reads a whole IDX file.
     *
     * @param file a plain or gzip-compressed IDX file of unsigned bytes
     * @return its dimensions and values
     * @throws IdxFormatException if the file is not a well-formed IDX file of unsigned bytes
     * @throws UncheckedIOException if the file cannot be read
     */
    public static IdxArray read(Path file) {
        try (InputStream in = open(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("IDX file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an IDX array from a stream of uncompressed IDX bytes.
     *
     * @param in the stream, positioned at the magic number; read to its end
     * @param source a name for the stream used in error messages
     */
    public static IdxArray read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[4];
        try {
            data.readFully(magic);
        } catch (EOFException e) {
            throw bad(source, "it is shorter than the 4-byte IDX magic number");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw bad(source, String.format("its magic number starts with 0x%02x%02x instead of 0x0000",
                    magic[0] & 0xFF, magic[1] & 0xFF));
        }
        int type = magic[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw bad(source, String.format("its element type is 0x%02x; only unsigned bytes (0x08) are supported", type));
        }
        int rank = magic[3] & 0xFF;
        if (rank < 1 || rank > MAX_RANK) {
            throw bad(source, "it declares " + rank + " dimensions; expected 1 to " + MAX_RANK);
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = data.readInt();
            } catch (EOFException e) {
                throw bad(source, "it ends inside its header (dimension " + i + " of " + rank + ")");
            }
            if (dims[i] < 0) {
                throw bad(source, "dimension " + i + " is negative (" + dims[i] + ")");
            }
            size *= dims[i];
            if (size > Integer.MAX_VALUE - 16) {
                throw bad(source, "its dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " hold more values than one Java array can");
            }
        }
        byte[] values = new byte[(int) size];
        int got = data.readNBytes(values, 0, values.length);
        if (got < values.length) {
            throw bad(source, "it is truncated: dimensions " + Arrays.toString(dims) + " need " + values.length
                    + " values but only " + got + " follow the header");
        }
        if (data.read() != -1) {
            throw bad(source, "it has bytes after the " + values.length + " values its dimensions "
                    + Arrays.toString(dims) + " announce");
        }
        return new IdxArray(dims, values);
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    private static IdxFormatException bad(String source, String why) {
        return new IdxFormatException("Not a valid IDX file: " + source + ": " + why
                + ". Check that the file is an uncorrupted (optionally gzip-compressed) IDX file of unsigned bytes.");
    }
}
