package ddl.transport.wire;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import ddl.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * zstd for payloads, used only where it pays. A payload larger than a sample has the sample
 * compressed first, timed: the whole is compressed only if the wire time the sample's saving would
 * spare at the link's rate ({@code transport.link_mbits}) exceeds the time zstd took plus a third
 * of it for the receiver to expand (zstd expands about three times as fast as it compresses at low
 * levels). Level 1 ran through float tensors at about 1 GB/s on one core here (1.3 ns a byte with
 * the expansion) and through zeros or text at 3-4 GB/s. A byte saved is worth 0.8 ns of wire at
 * 10 Gbit/s and 8 ns at 1 Gbit/s, so float tensors travel raw on 10 Gbit/s links and compress on
 * 1 Gbit/s ones only when they shrink by about a sixth or more, while highly redundant payloads
 * compress on both.
 * A payload no larger than the sample is compressed if it shrinks to {@value #WORTH_IT} of its
 * size. Compressed form: {@code int originalLength | zstd frame}.
 */
final class Compression {
  static final int SAMPLE_BYTES = 64 * 1024;
  static final double WORTH_IT = 0.7;
  /** The receiver's expansion time as a share of the sender's compression time. */
  private static final double EXPAND_SHARE = 1.0 / 3;

  /** Compression contexts kept for reuse: making one allocates and clears several hundred KiB. */
  private static final int MAX_IDLE_CONTEXTS = 4;
  private static final ConcurrentLinkedQueue<ZstdCompressCtx> IDLE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

  static {
    // Loads the native library and sizes a context's workspace once, so that the first payload's
    // timed sample measures zstd and not that (milliseconds).
    byte[] warm = new byte[SAMPLE_BYTES];
    compress(new byte[(int) Zstd.compressBound(warm.length)], 0, warm, 0, warm.length, 1);
  }

  private Compression() {}

  /** Compresses {@code src[off, off+len)} into {@code dst[dstOff..]}; the size, or -1 on error. */
  private static long compress(byte[] dst, int dstOff, byte[] src, int off, int len, int level) {
    ZstdCompressCtx ctx = takeContext();
    try {
      return compress(ctx, dst, dstOff, src, off, len, level);
    } finally {
      giveBack(ctx);
    }
  }

  private static long compress(ZstdCompressCtx ctx, byte[] dst, int dstOff, byte[] src, int off, int len, int level) {
    try {
      ctx.setLevel(level);
      return ctx.compressByteArray(dst, dstOff, dst.length - dstOff, src, off, len);
    } catch (ZstdException e) {
      return -1;
    }
  }

  private static ZstdCompressCtx takeContext() {
    ZstdCompressCtx ctx = IDLE.poll();
    if (ctx != null) {
      IDLE_COUNT.decrementAndGet();
      return ctx;
    }
    return new ZstdCompressCtx();
  }

  private static void giveBack(ZstdCompressCtx ctx) {
    if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE_CONTEXTS) {
      IDLE.add(ctx);
    } else {
      IDLE_COUNT.decrementAndGet();
      ctx.close();
    }
  }

  /**
   * The compressed form of {@code src[off, off+len)}, or null if compressing does not pay on a link
   * of {@code linkMbits}.
   */
  static byte[] compressIfWorthIt(byte[] src, int off, int len, int level, int linkMbits) {
    boolean sampled = len > SAMPLE_BYTES;
    if (sampled && !pays(src, off, SAMPLE_BYTES, level, linkMbits)) {
      return null;
    }
    return compressWhole(src, off, len, level, sampled ? 1.0 : WORTH_IT);
  }

  /**
   * The compressed form of {@code src[off, off+len)} once a sample of it was found to pay, or null
   * if the whole does not shrink after all.
   */
  static byte[] compressSampled(byte[] src, int off, int len, int level) {
    return compressWhole(src, off, len, level, 1.0);
  }

  /** The compressed form, or null unless it is at most {@code keepAtMost} of the original size. */
  private static byte[] compressWhole(byte[] src, int off, int len, int level, double keepAtMost) {
    byte[] dst = new byte[4 + (int) Zstd.compressBound(len)];
    long size = compress(dst, 4, src, off, len, level);
    if (size < 0 || size >= len || size > len * keepAtMost) {
      return null;
    }
    writeInt(dst, 0, len);
    return java.util.Arrays.copyOf(dst, 4 + (int) size);
  }

  /** Like {@link #compressIfWorthIt(byte[], int, int, int, int)} for bytes at {@code off} in {@code src}. */
  static byte[] compressIfWorthIt(ByteBuf src, int off, int len, int level, int linkMbits) {
    if (src.hasArray()) {
      return compressIfWorthIt(src.array(), src.arrayOffset() + off, len, level, linkMbits);
    }
    byte[] copy = new byte[len];
    src.getBytes(off, copy);
    return compressIfWorthIt(copy, 0, len, level, linkMbits);
  }

  /** Whether compressing a payload like {@code sample} saves more wire time on a link of {@code linkMbits} than it costs. */
  static boolean pays(byte[] sample, int level, int linkMbits) {
    return pays(sample, 0, sample.length, level, linkMbits);
  }

  private static boolean pays(byte[] src, int off, int len, int level, int linkMbits) {
    byte[] probe = new byte[(int) Zstd.compressBound(len)];
    ZstdCompressCtx ctx = takeContext(); // outside the timing: the first one is made here
    long size;
    long nanos;
    try {
      long start = System.nanoTime();
      size = compress(ctx, probe, 0, src, off, len, level);
      nanos = System.nanoTime() - start;
    } finally {
      giveBack(ctx);
    }
    if (size < 0 || size >= len) {
      return false;
    }
    double savedWireNanos = (len - size) * 8_000.0 / linkMbits;
    return savedWireNanos > nanos * (1 + EXPAND_SHARE);
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
