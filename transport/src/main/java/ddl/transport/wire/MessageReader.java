package ddl.transport.wire;

import ddl.transport.ArrayLender;
import ddl.transport.ProtocolException;
import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns decoded frames into messages for one connection: a one-frame message is decoded at once
 * (on the event loop); a streamed one gets a {@link StreamInput} fed as its frames arrive and is
 * decoded on a virtual thread of its own. Frames that carry no object go to {@link Delivery#frame}.
 * Not thread-safe: frames come from one event loop.
 */
final class MessageReader implements FrameDecoder.Listener {
  /** Where messages go. */
  interface Delivery {
    /**
     * A REQUEST, RESPONSE or ERROR message: its value, or a {@link Failed} if it could not be
     * decoded. Called on the event loop, or on a streamed message's own thread.
     */
    void message(FrameKind kind, long id, Object value);

    /** Any other frame (handshake, heartbeat, cancel), on the event loop. */
    void frame(Frame frame);

    /** A protocol violation: the connection must close. */
    void violation(ProtocolException e);

    /** The arrays lent for the reply to call {@code id}, or null. */
    ArrayLender lender(long id);

    /** The name of the peer, for thread names and messages. */
    String peer();
  }

  /** A message that could not be decoded; the stream of frames is still in step. */
  record Failed(RuntimeException cause) {}

  /** Most streamed messages one connection may have arriving at once. */
  static final int MAX_OPEN_STREAMS = 256;

  private final Delivery delivery;
  private final Supplier<PayloadCodec> codec;
  private final StreamInput.FlowControl flow;
  private final TransportConfig config;
  private final Map<Long, Stream> streams = new HashMap<>();
  private boolean open;

  MessageReader(Delivery delivery, Supplier<PayloadCodec> codec, StreamInput.FlowControl flow, TransportConfig config) {
    this.delivery = delivery;
    this.codec = codec;
    this.flow = flow;
    this.config = config;
  }

  /** From now on (after authentication), frames may carry objects. */
  void open() {
    open = true;
  }

  @Override
  public FrameDecoder.Sink onHeader(FrameKind kind, byte flags, long requestId, int payloadBytes) {
    if (!open || !kind.carriesObject()) {
      return null;
    }
    long key = requestId * 2 + (kind == FrameKind.REQUEST ? 0 : 1);
    Stream stream = streams.get(key);
    if (stream == null && (flags & Frame.FLAG_MORE) == 0) {
      return null;
    }
    if (stream == null) {
      if (streams.size() >= MAX_OPEN_STREAMS) {
        onError(new ProtocolException("more than " + MAX_OPEN_STREAMS + " streamed messages arriving at once"));
        return null;
      }
      stream = new Stream(kind, requestId, key);
      streams.put(key, stream);
      stream.start();
    } else if (stream.kind != kind) {
      onError(new ProtocolException("a " + kind + " frame continued a " + stream.kind + " stream"));
      return null;
    }
    return stream.frame(flags);
  }

  @Override
  public void onFrame(Frame frame) {
    if (!open || !frame.kind().carriesObject()) {
      delivery.frame(frame);
      return;
    }
    Object value;
    try {
      value = codec.get().decode(frame, frame.kind() == FrameKind.REQUEST ? null : delivery.lender(frame.requestId()));
    } catch (RuntimeException e) {
      value = new Failed(e);
    }
    delivery.message(frame.kind(), frame.requestId(), value);
  }

  @Override
  public void onError(ProtocolException e) {
    delivery.violation(e);
  }

  /** The connection closed: every open stream fails. */
  void closed(ProtocolException why) {
    streams.values().forEach(s -> s.input.fail(why));
    streams.clear();
  }

  /** A message arriving as a stream of frames, decoded on a thread of its own as it comes. */
  private final class Stream {
    final FrameKind kind;
    final long id;
    final long key;
    final StreamInput input;

    Stream(FrameKind kind, long id, long key) {
      this.kind = kind;
      this.id = id;
      this.key = key;
      this.input = new StreamInput(flow, config.maxMessageBytes(), config.callTimeout());
    }

    void start() {
      PayloadCodec c = codec.get();
      ArrayLender lender = kind == FrameKind.REQUEST ? null : delivery.lender(id);
      Thread.ofVirtual().name("ddl-read-" + delivery.peer() + "-" + id).start(() -> {
        Object value;
        try {
          value = c.decode(input, lender);
        } catch (RuntimeException e) {
          value = new Failed(e);
        } finally {
          input.release();
        }
        delivery.message(kind, id, value);
      });
    }

    /** The sink for this stream's next frame. */
    FrameDecoder.Sink frame(byte flags) {
      boolean last = (flags & Frame.FLAG_MORE) == 0;
      boolean packed = (flags & Frame.FLAG_COMPRESSED) != 0;
      return new FrameDecoder.Sink() {
        private CompositeByteBuf gathered;

        @Override
        public void bytes(ByteBuf piece) {
          if (!packed) {
            input.add(piece, false);
            return;
          }
          if (gathered == null) {
            gathered = Unpooled.compositeBuffer(64);
          }
          gathered.addComponent(true, piece);
        }

        @Override
        public void end() {
          if (gathered != null) {
            input.add(gathered, true);
          }
          if (last) {
            input.finish();
            streams.remove(key);
          }
        }
      };
    }
  }
}
