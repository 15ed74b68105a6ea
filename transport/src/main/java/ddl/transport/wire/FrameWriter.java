package ddl.transport.wire;

import ddl.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes frames from any thread to one socket, in order. Small frames queued in the same instant go
 * out as one buffer (one syscall instead of many). A sender of a streamed message calls
 * {@link #awaitRoom} between its frames, so at most about the write-queue limit of its bytes wait
 * in memory while the socket drains; {@link #congested()} tells readers to stop taking new work.
 */
public final class FrameWriter implements FrameOut {
  private static final int COALESCE_BELOW = 16 * 1024;
  private static final int BATCH_BYTES = 128 * 1024;

  private final NetSocket socket;
  private final NetSocketInternal channel;
  private final ByteBufAllocator allocator;
  private final Context context;
  private final int maxQueuedBytes;
  private final ConcurrentLinkedQueue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong bytesWritten = new AtomicLong();
  /** Bytes handed to {@link #write} and not yet to the socket. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean congested;
  private volatile boolean closed;
  private volatile Runnable onDrained = () -> {};

  public FrameWriter(NetSocket socket, Context context, int writeQueueMaxBytes) {
    this.socket = socket;
    this.channel = (NetSocketInternal) socket;
    this.allocator = channel.channelHandlerContext().alloc();
    this.context = context;
    this.maxQueuedBytes = writeQueueMaxBytes;
    socket.setWriteQueueMaxSize(writeQueueMaxBytes);
    socket.drainHandler(v -> {
      congested = false;
      drain();
      onDrained.run();
    });
  }

  /** Queues a complete frame (its bytes, length prefix included) for sending; safe from any thread. */
  @Override
  public void write(ByteBuf frame) {
    if (closed) {
      frame.release();
      return;
    }
    queuedBytes.addAndGet(frame.readableBytes());
    queue.add(frame);
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  /**
   * Waits while the socket has more than its write-queue limit to send. Returns at once on the
   * event loop (which must not block: there the frames simply queue).
   */
  @Override
  public void awaitRoom() {
    if (Context.isOnEventLoopThread()) {
      return;
    }
    if (!congested && queuedBytes.get() <= maxQueuedBytes) {
      return;
    }
    waiting.incrementAndGet();
    lock.lock();
    try {
      while (!closed && (congested || queuedBytes.get() > maxQueuedBytes)) {
        room.await(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException("interrupted while waiting to send");
    } finally {
      lock.unlock();
      waiting.decrementAndGet();
    }
    if (closed) {
      throw new ProtocolException("the connection closed while sending");
    }
  }

  /** Closes the socket after every frame queued so far has been handed to it. */
  public void closeAfterQueued() {
    context.runOnContext(v -> {
      drain();
      socket.close();
    });
  }

  /** The socket closed: frames still queued are dropped and waiting senders released. */
  public void closed() {
    closed = true;
    ByteBuf frame;
    while ((frame = queue.poll()) != null) {
      frame.release();
    }
    wake();
  }

  private void wake() {
    lock.lock();
    try {
      room.signalAll();
    } finally {
      lock.unlock();
    }
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

  private void drain() {
    scheduled.set(false);
    ByteBuf batch = null;
    ByteBuf frame;
    while (!congested && (frame = queue.poll()) != null) {
      int length = frame.readableBytes();
      queuedBytes.addAndGet(-length);
      bytesWritten.addAndGet(length);
      if (closed) {
        frame.release();
        continue;
      }
      if (length >= COALESCE_BELOW) {
        if (batch != null) {
          channel.writeMessage(batch);
          batch = null;
        }
        // Handed to the channel itself, so pooled chunks go back to their pool once sent.
        channel.writeMessage(frame);
      } else {
        if (batch == null) {
          batch = allocator.directBuffer(Math.min(BATCH_BYTES, Math.max(1024, 64 * length)));
        }
        batch.writeBytes(frame);
        frame.release();
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
    if (waiting.get() > 0 && !congested && queuedBytes.get() <= maxQueuedBytes) {
      wake();
    }
  }
}
