package ddl.transport;

import com.github.luben.zstd.Zstd;

/**
 * zstd for payloads, used only where it pays: a sample of the payload is compressed first and the
 * whole is compressed only if the sample shrank to at most {@value #WORTH_IT} of its size. At
 * zstd level 1 (about 0.5 GB/s to compress, 1.5 GB/s to expand on one core) that is roughly where
 * the saved bytes outweigh the CPU time on a 1 Gbit/s link; float tensors, which shrink by 5 to
 * 15 percent, fail the test in well under a millisecond instead of costing a full pass.
 * Compressed form: {@code int originalLength | zstd frame}.
 */
final class Compression {
  static final int SAMPLE_BYTES = 64 * 1024;
  static final double WORTH_IT = 0.7;

  private Compression() {}

  /** The compressed form of {@code src[off, off+len)}, or null if compressing does not pay. */
  static byte[] compressIfWorthIt(byte[] src, int off, int len, int level) {
    int sample = Math.min(len, SAMPLE_BYTES);
    if (sample < len) {
      byte[] probe = new byte[(int) Zstd.compressBound(sample)];
      long probeSize = Zstd.compressByteArray(probe, 0, probe.length, src, off, sample, level);
      if (Zstd.isError(probeSize) || probeSize > sample * WORTH_IT) {
        return null;
      }
    }
    byte[] dst = new byte[4 + (int) Zstd.compressBound(len)];
    long size = Zstd.compressByteArray(dst, 4, dst.length - 4, src, off, len, level);
    if (Zstd.isError(size) || size > len * WORTH_IT) {
      return null;
    }
    writeInt(dst, 0, len);
    return java.util.Arrays.copyOf(dst, 4 + (int) size);
  }

  /** Decompresses, refusing an announced or actual size above {@code maxBytes}. */
  static byte[] decompress(byte[] src, int off, int len, long maxBytes) {
    if (len < 4) {
      throw new ProtocolException("compressed payload of " + len + " bytes is too short");
    }
    int original = readInt(src, off);
    if (original < 0 || original > maxBytes) {
      throw new ProtocolException("compressed payload announces " + original + " bytes, above the limit of "
          + maxBytes + " (transport.max_decompressed_bytes)");
    }
    try {
      return expand(src, off, len, original);
    } catch (com.github.luben.zstd.ZstdException e) {
      throw new ProtocolException("corrupt zstd payload: " + e.getMessage(), e);
    }
  }

  private static byte[] expand(byte[] src, int off, int len, int original) {
    long contentSize = Zstd.getFrameContentSize(src, off + 4, len - 4);
    if (contentSize >= 0 && contentSize != original) {
      throw new ProtocolException("compressed payload announces " + original + " bytes but its zstd frame says "
          + contentSize);
    }
    byte[] dst = new byte[original];
    long size = Zstd.decompressByteArray(dst, 0, original, src, off + 4, len - 4);
    if (Zstd.isError(size)) {
      throw new ProtocolException("corrupt zstd payload: " + Zstd.getErrorName(size));
    }
    if (size != original) {
      throw new ProtocolException("zstd payload gave " + size + " bytes, " + original + " announced");
    }
    return dst;
  }

  static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }
}
