package ddl.transport.wire;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import ddl.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

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

  /** Compression contexts kept for reuse: making one allocates and clears several hundred KiB. */
  private static final int MAX_IDLE_CONTEXTS = 4;
  private static final ConcurrentLinkedQueue<ZstdCompressCtx> IDLE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

  private Compression() {}

  /** Compresses {@code src[off, off+len)} into {@code dst[dstOff..]}; the size, or -1 on error. */
  private static long compress(byte[] dst, int dstOff, byte[] src, int off, int len, int level) {
    ZstdCompressCtx ctx = IDLE.poll();
    if (ctx != null) {
      IDLE_COUNT.decrementAndGet();
    } else {
      ctx = new ZstdCompressCtx();
    }
    try {
      ctx.setLevel(level);
      return ctx.compressByteArray(dst, dstOff, dst.length - dstOff, src, off, len);
    } catch (ZstdException e) {
      return -1;
    } finally {
      if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE_CONTEXTS) {
        IDLE.add(ctx);
      } else {
        IDLE_COUNT.decrementAndGet();
        ctx.close();
      }
    }
  }

  /** The compressed form of {@code src[off, off+len)}, or null if compressing does not pay. */
  static byte[] compressIfWorthIt(byte[] src, int off, int len, int level) {
    int sample = Math.min(len, SAMPLE_BYTES);
    if (sample < len) {
      byte[] probe = new byte[(int) Zstd.compressBound(sample)];
      long probeSize = compress(probe, 0, src, off, sample, level);
      if (probeSize < 0 || probeSize > sample * WORTH_IT) {
        return null;
      }
    }
    byte[] dst = new byte[4 + (int) Zstd.compressBound(len)];
    long size = compress(dst, 4, src, off, len, level);
    if (size < 0 || size > len * WORTH_IT) {
      return null;
    }
    writeInt(dst, 0, len);
    return java.util.Arrays.copyOf(dst, 4 + (int) size);
  }

  /** Like {@link #compressIfWorthIt(byte[], int, int, int)} for bytes at {@code off} in {@code src}. */
  static byte[] compressIfWorthIt(ByteBuf src, int off, int len, int level) {
    if (src.hasArray()) {
      return compressIfWorthIt(src.array(), src.arrayOffset() + off, len, level);
    }
    byte[] copy = new byte[len];
    src.getBytes(off, copy);
    return compressIfWorthIt(copy, 0, len, level);
  }

  /** Whether a sample of a payload shrinks enough that compressing the whole would pay. */
  static boolean sampleShrinks(byte[] sample, int level) {
    byte[] probe = new byte[(int) Zstd.compressBound(sample.length)];
    long probeSize = compress(probe, 0, sample, 0, sample.length, level);
    return probeSize >= 0 && probeSize <= sample.length * WORTH_IT;
  }

  /** Decompresses a whole compressed payload held in {@code packed} (not released here). */
  static byte[] decompress(ByteBuf packed, long maxBytes) {
    int length = packed.readableBytes();
    if (packed.hasArray()) {
      return decompress(packed.array(), packed.arrayOffset() + packed.readerIndex(), length, maxBytes);
    }
    byte[] copy = new byte[length];
    packed.getBytes(packed.readerIndex(), copy);
    return decompress(copy, 0, length, maxBytes);
  }

  /** Decompresses, refusing an announced or actual size above {@code maxBytes}. */
  static byte[] decompress(byte[] src, int off, int len, long maxBytes) {
    if (len < 4) {
      throw new ProtocolException("compressed payload of " + len + " bytes is too short");
    }
    int original = readInt(src, off);
    if (original < 0 || original > maxBytes) {
      throw new ProtocolException("compressed payload announces " + original + " bytes, above the limit of "
          + maxBytes + " (transport.max_message_bytes)");
    }
    try {
      return expand(src, off, len, original);
    } catch (com.github.luben.zstd.ZstdException e) {
      throw new ProtocolException("corrupt zstd payload: " + e.getMessage(), e);
    }
  }

  private static byte[] expand(byte[] src, int off, int len, int original) {
    long contentSize = Zstd.getFrameContentSize(src, off + 4, len - 4);
    if (contentSize != original) {
      throw new ProtocolException("compressed payload announces " + original + " bytes but its zstd frame says "
          + (contentSize < 0 ? "nothing (" + contentSize + ")" : contentSize));
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
