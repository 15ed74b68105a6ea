package ddl.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes frames from any thread to one socket. Small frames queued in the same instant are sent as
 * one buffer (one syscall instead of many). When the socket's write queue is full, writing waits
 * for it to drain; {@link #congested()} tells readers to stop taking new work meanwhile.
 */
public final class FrameWriter {
  private static final int COALESCE_BELOW = 16 * 1024;
  private static final int BATCH_BYTES = 128 * 1024;
  private static final int SLICE_BYTES = 256 * 1024;

  private final NetSocket socket;
  private final NetSocketInternal channel;
  private final ByteBufAllocator allocator;
  private final Context context;
  private final ConcurrentLinkedQueue<Buffer> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong bytesWritten = new AtomicLong();
  private volatile boolean congested;
  private volatile Runnable onDrained = () -> {};

  public FrameWriter(NetSocket socket, Context context, int writeQueueMaxBytes) {
    this.socket = socket;
    this.channel = (NetSocketInternal) socket;
    this.allocator = channel.channelHandlerContext().alloc();
    this.context = context;
    socket.setWriteQueueMaxSize(writeQueueMaxBytes);
    socket.drainHandler(v -> {
      congested = false;
      drain();
      onDrained.run();
    });
  }

  /** Queues a complete frame for sending; safe from any thread. */
  public void write(Buffer frame) {
    queue.add(frame);
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  /** Closes the socket after every frame queued so far has been handed to it. */
  public void closeAfterQueued() {
    context.runOnContext(v -> {
      drain();
      socket.close();
    });
  }

  /** True while the socket cannot take more bytes. */
  public boolean congested() {
    return congested;
  }

  /** Runs after the socket drained following congestion (on the event loop). */
  public void onDrained(Runnable action) {
    this.onDrained = action;
  }

  public long bytesWritten() {
    return bytesWritten.get();
  }

  /**
   * Writes a large frame. A direct one (pooled chunks) goes as it is, without another copy; a heap
   * one in slices of the same array, so the socket copies each slice into a small pooled direct
   * buffer instead of allocating one as large as the frame.
   */
  private void writeLarge(Buffer frame) {
    int length = frame.length();
    ByteBuf bytes = ((BufferInternal) frame).unwrap();
    if (bytes.isDirect()) {
      // Handed to the channel itself (not through Buffer, which would make it unreleasable), so
      // the chunks go back to their pool once sent.
      channel.writeMessage(bytes);
      return;
    }
    if (length <= SLICE_BYTES) {
      socket.write(frame);
      return;
    }
    for (int at = 0; at < length; at += SLICE_BYTES) {
      socket.write(frame.slice(at, Math.min(length, at + SLICE_BYTES)));
    }
  }

  private void drain() {
    scheduled.set(false);
    ByteBuf batch = null;
    Buffer frame;
    while (!congested && (frame = queue.poll()) != null) {
      ByteBuf bytes = ((BufferInternal) frame).unwrap();
      int length = bytes.readableBytes();
      bytesWritten.addAndGet(length);
      if (length >= COALESCE_BELOW) {
        if (batch != null) {
          channel.writeMessage(batch);
          batch = null;
        }
        writeLarge(frame);
      } else {
        // Small frames are copied once, into a direct buffer the channel sends as it is.
        if (batch == null) {
          batch = allocator.directBuffer(Math.min(BATCH_BYTES, Math.max(1024, 64 * length)));
        }
        batch.writeBytes(bytes, bytes.readerIndex(), length);
        if (batch.readableBytes() >= BATCH_BYTES) {
          channel.writeMessage(batch);
          batch = null;
        }
      }
      if (socket.writeQueueFull()) {
        congested = true;
      }
    }
    if (batch != null) {
      channel.writeMessage(batch);
    }
  }
}
