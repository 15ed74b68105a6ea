package ddl.transport.wire;

import io.netty.buffer.ByteBuf;

/** Where encoded frames go: a connection's socket, or a test's list. */
public interface FrameOut {
  /** Queues a complete frame (length prefix included); takes ownership of {@code frame}. */
  void write(ByteBuf frame);

  /** Waits, if needed, until more frames may be queued (between the frames of a streamed message). */
  void awaitRoom();
}
