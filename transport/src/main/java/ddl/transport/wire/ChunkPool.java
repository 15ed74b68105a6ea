package ddl.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct memory for large frames, in fixed chunks that go back to a bounded free list when released.
 * A fresh large array costs far more than copying into it (the memory is zeroed and every page
 * faults in on first touch), so large frames are assembled in reused chunks instead: on the way
 * out the socket writes them without copying them again, on the way in they hold a frame's bytes
 * until it is whole. A chunk that is never released is reclaimed by the garbage collector like any
 * direct buffer; it only misses the free list.
 */
final class ChunkPool {
  static final int CHUNK_BYTES = 1 << 20;
  /** Free chunks kept per process; more are allocated when needed and dropped when released. */
  private static final int MAX_FREE = 160;

  private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger FREE_COUNT = new AtomicInteger();

  private ChunkPool() {}

  /** An empty chunk of {@link #CHUNK_BYTES}; releasing it returns its memory here. */
  static ByteBuf take() {
    ByteBuffer memory = FREE.poll();
    if (memory != null) {
      FREE_COUNT.decrementAndGet();
    } else {
      memory = ByteBuffer.allocateDirect(CHUNK_BYTES);
    }
    return new Chunk(memory);
  }

  private static void give(ByteBuffer memory) {
    if (FREE_COUNT.incrementAndGet() <= MAX_FREE) {
      memory.clear();
      FREE.add(memory);
    } else {
      FREE_COUNT.decrementAndGet();
    }
  }

  private static final class Chunk extends UnpooledDirectByteBuf {
    private final ByteBuffer memory;

    Chunk(ByteBuffer memory) {
      super(UnpooledByteBufAllocator.DEFAULT, memory, memory.capacity());
      this.memory = memory;
      clear();
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      give(memory);
    }
  }
}
