package ddl.transport.wire;

import ddl.transport.ArrayLender;
import ddl.transport.AuthenticationException;
import ddl.transport.CallCancelledException;
import ddl.transport.CallFuture;
import ddl.transport.CallOptions;
import ddl.transport.ClusterConfig;
import ddl.transport.ProtocolException;
import ddl.transport.RemoteException;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerAddress;
import ddl.transport.WorkerShuttingDownException;
import ddl.transport.WorkerUnavailableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One authenticated, multiplexed connection, the same code at both ends: the handshake (the
 * dialer proves it knows the secret to the listener, and the listener to the dialer), liveness
 * (both ends send heartbeats; any bytes received count as a sign of life, so a large message on a
 * slow link is not a dead peer), the table of calls this side made, and the requests the peer
 * makes of this side, handed to an {@link Inbound}. Messages above one frame are streamed in both
 * directions (see {@link PayloadCodec}).
 *
 * <p>Threads: frames are read and small messages decoded on the connection's event loop; streamed
 * messages are decoded on a virtual thread of their own; calls and replies may be sent from any
 * thread (a streamed one waits between frames, except on the event loop).
 */
public final class Connection {
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  private static final long SWEEP_MILLIS = 100;
  private static final int MAX_READ_BYTES = 256 * 1024;

  /** What the peer asks of this side. */
  public interface Inbound {
    /**
     * A request, decoded: on the event loop for a one-frame message (do not block there), on the
     * message's own thread for a streamed one. Answer with {@link #reply} or {@link #replyError}.
     */
    void request(Connection connection, long id, Object request);

    /** The peer gave up on request {@code id} (deadline or cancel). */
    default void cancel(Connection connection, long id) {}

    /** The connection closed. */
    default void closed(Connection connection) {}
  }

  /** Decides, once a dialer has authenticated, what it may do on this side. */
  public interface Acceptor {
    /**
     * The codec and request handler for an authenticated dialer; throw a {@link Handshake.Refusal}
     * to refuse it. {@code session} is the named session a master asks for, or null.
     */
    Endpoint authenticated(Connection connection, Handshake.Role role, String session);

    /** The connection ended, before or after authenticating. */
    void ended(Connection connection, boolean authenticated);
  }

  /** How an accepted connection decodes requests and who handles them. */
  public record Endpoint(PayloadCodec codec, Inbound inbound) {}

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final TransportConfig config;
  private final String peer;
  private final FrameWriter writer;
  private final FrameDecoder decoder;
  private final MessageReader reader;
  private final CallTable calls;
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicLong bytesReceived = new AtomicLong();
  private final Promise<Void> closed = Promise.promise();
  private volatile PayloadCodec codec;
  private volatile Inbound inbound;
  private volatile Handshake.Role role;
  private volatile boolean authenticated;
  private volatile long lastHeard = System.nanoTime();
  private volatile Throwable closeCause;
  private volatile boolean closedForSilence;
  private volatile java.util.function.UnaryOperator<Throwable> remoteFailures = java.util.function.UnaryOperator.identity();
  private long sweepTimer = -1;
  private long heartbeatTimer = -1;
  /** Reasons reading is paused (congested writer, full streams); event loop only. */
  private int pauses;
  private final java.util.concurrent.atomic.AtomicBoolean pausedForWriting = new java.util.concurrent.atomic.AtomicBoolean();

  private Connection(Vertx vertx, Context context, NetSocket socket, TransportConfig config, String peer) {
    this.vertx = vertx;
    this.context = context;
    this.socket = socket;
    this.config = config;
    this.peer = peer;
    this.writer = new FrameWriter(socket, context, config.writeQueueMaxBytes());
    this.calls = new CallTable(config.maxInFlight());
    this.reader = new MessageReader(new Delivery(), () -> codec, new StreamInput.FlowControl() {
      @Override
      public void pause() {
        pauseReading();
      }

      @Override
      public void resume() {
        resumeReading();
      }
    }, config);
    this.decoder = new FrameDecoder(Handshake.PRE_AUTH_MAX_FRAME, reader);
    NetSocketInternal internal = (NetSocketInternal) socket;
    // Reads grow up to MAX_READ_BYTES while the peer sends a lot, and shrink back for small calls.
    internal.channelHandlerContext().channel().config()
        .setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES));
    internal.messageHandler(message -> {
      if (message instanceof ByteBuf buf) {
        try {
          lastHeard = System.nanoTime();
          bytesReceived.addAndGet(buf.readableBytes());
          decoder.handle(buf);
        } finally {
          buf.release();
        }
      }
    });
    socket.exceptionHandler(e -> {
      if (closeCause == null) {
        closeCause = e;
      }
    });
  }

  // ------------------------------------------------------------------ opening

  /**
   * Connects to a worker and authenticates as {@code role}. The future fails with a message that
   * says what to check; on failure nothing stays open.
   *
   * @param inbound handles requests the worker sends back, or null to refuse them
   */
  public static Future<Connection> dial(Vertx vertx, WorkerAddress address, ClusterConfig config,
      Handshake.Role role, PayloadCodec codec, Inbound inbound) {
    return dial(vertx, address, config, role, null, codec, inbound);
  }

  /**
   * Like {@link #dial(Vertx, WorkerAddress, ClusterConfig, Handshake.Role, PayloadCodec, Inbound)},
   * asking the worker for the named session {@code session} (kept across connections), or null.
   */
  public static Future<Connection> dial(Vertx vertx, WorkerAddress address, ClusterConfig config,
      Handshake.Role role, String session, PayloadCodec codec, Inbound inbound) {
    TransportConfig t = config.transport();
    NetClientOptions options = new NetClientOptions()
        .setTcpNoDelay(true)
        .setConnectTimeout((int) t.connectTimeout().toMillis());
    if (config.tls().enabled()) {
      options.setSsl(true)
          .setHostnameVerificationAlgorithm("")
          .setTrustOptions(new PemTrustOptions().addCertPath(config.tls().trust()));
    }
    NetClient client = vertx.createNetClient(options);
    Promise<Connection> ready = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(start -> client.connect(address.port(), address.host()).onComplete(ar -> {
      if (ar.failed()) {
        ready.fail(new WorkerUnavailableException(address.toString(), "cannot connect (" + ar.cause().getMessage()
            + "); is it running? start workers with scripts/start", ar.cause()));
        client.close();
        return;
      }
      Connection c = new Connection(vertx, ctx, ar.result(), t, address.toString());
      c.codec = codec;
      c.inbound = inbound;
      c.role = role;
      c.closed.future().onComplete(x -> client.close());
      c.dialHandshake(new Handshake.Dialer(config.secret(), address.toString(), role, session), ready);
    }));
    return ready.future();
  }

  /**
   * Serves a socket a dialer opened to this worker ({@code self} as config.yml lists it): the
   * handshake first, nothing else is read before it.
   */
  public static Connection accept(Vertx vertx, Context context, NetSocket socket, ClusterConfig config,
      WorkerAddress self, Acceptor acceptor) {
    Connection c = new Connection(vertx, context, socket, config.transport(), "master " + socket.remoteAddress());
    c.listenHandshake(new Handshake.Listener(config.secret(), self.toString()), acceptor);
    return c;
  }

  private void dialHandshake(Handshake.Dialer dialer, Promise<Connection> ready) {
    long timer = vertx.setTimer(config.connectTimeout().toMillis(), t -> {
      if (ready.tryFail(new WorkerUnavailableException(peerAddress(), "did not complete the handshake in "
          + config.connectTimeout().toSeconds() + " s (transport.connect_timeout_seconds); it may be overloaded,"
          + " or not a DDL worker", null))) {
        socket.close();
      }
    });
    preAuth = frame -> {
      try {
        switch (frame.kind()) {
          case HELLO -> writer.write(smallFrame(FrameKind.AUTH, dialer.onHello(frame.payload())));
          case AUTH_OK -> {
            dialer.onAuthOk(frame.payload());
            vertx.cancelTimer(timer);
            opened();
            ready.tryComplete(this);
          }
          case REFUSED -> {
            String reason = frame.payload().toString(java.nio.charset.StandardCharsets.UTF_8);
            if (reason.startsWith(Handshake.BUSY)) {
              vertx.cancelTimer(timer);
              ready.tryFail(new WorkerUnavailableException(peerAddress(), "is too busy to authenticate this master ("
                  + reason.substring(Handshake.BUSY.length()) + ", a flood?); try again shortly", null));
              socket.close();
              return;
            }
            throw new AuthenticationException(peerName() + " refused the connection: " + reason);
          }
          default -> throw new AuthenticationException(peerName() + " broke the handshake with a " + frame.kind()
              + " frame; is it a DDL worker of the same version?");
        }
      } catch (AuthenticationException e) {
        vertx.cancelTimer(timer);
        ready.tryFail(e);
        socket.close();
      }
    };
    socket.closeHandler(v -> {
      vertx.cancelTimer(timer);
      // Closed without a refusal: the worker stopped or was cut off mid-handshake, a loss like any other.
      ready.tryFail(closeCause instanceof AuthenticationException a ? a : new WorkerUnavailableException(peerAddress(),
          "closed the connection during the handshake without refusing it (it may have stopped or crashed)", null));
      onClosed();
    });
  }

  private void listenHandshake(Handshake.Listener listener, Acceptor acceptor) {
    long timer = vertx.setTimer(config.connectTimeout().toMillis(), t -> {
      if (!authenticated) {
        LOG.warning(() -> peerName() + ": no handshake within " + config.connectTimeout().toSeconds() + " s; closing");
        socket.close();
      }
    });
    preAuth = frame -> {
      try {
        if (frame.kind() != FrameKind.AUTH) {
          throw new Handshake.Refusal("sent " + frame.kind() + " before authenticating");
        }
        Handshake.Listener.Accepted accepted = listener.onAuth(frame.payload());
        role = accepted.role();
        Endpoint endpoint = acceptor.authenticated(this, role, accepted.session());
        codec = endpoint.codec();
        inbound = endpoint.inbound();
        vertx.cancelTimer(timer);
        writer.write(smallFrame(FrameKind.AUTH_OK, accepted.answer()));
        opened();
      } catch (Handshake.Refusal e) {
        vertx.cancelTimer(timer);
        LOG.warning(() -> peerName() + ": refused: " + e.getMessage());
        writer.write(smallFrame(FrameKind.REFUSED, Unpooled.wrappedBuffer(Handshake.refusal(e.getMessage()))));
        writer.closeAfterQueued();
        preAuth = f -> { };
      }
    };
    socket.closeHandler(v -> {
      vertx.cancelTimer(timer);
      boolean was = authenticated;
      onClosed();
      acceptor.ended(this, was);
    });
    writer.write(smallFrame(FrameKind.HELLO, listener.hello()));
  }

  /** Refuses a socket before its handshake (too many waiting), saying why. */
  public static void refuse(NetSocket socket, String reason) {
    socket.write(Frame.of(FrameKind.REFUSED, 0, Handshake.refusal(reason)).encode()).onComplete(ar -> socket.close());
  }

  private interface PreAuth {
    void frame(Frame frame);
  }

  private volatile PreAuth preAuth = frame -> { };

  private void opened() {
    authenticated = true;
    reader.open();
    decoder.maxFrameBytes(Frame.MAX_FRAME);
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, t -> sweep());
    long beat = config.heartbeatInterval().toMillis();
    long[] lastTick = {System.nanoTime()};
    heartbeatTimer = vertx.setPeriodic(beat, t -> {
      long now = System.nanoTime();
      long stall = now - lastTick[0] - 2 * beat * 1_000_000L;
      lastTick[0] = now;
      if (stall > 0) {
        // This process was stalled (a long pause, an overloaded machine): the peer's bytes may be
        // waiting unread, so it gets that time back before it is judged silent.
        lastHeard = Math.min(now, lastHeard + stall);
      }
      writer.write(smallFrame(FrameKind.HEARTBEAT, Unpooled.EMPTY_BUFFER));
      long silent = (now - lastHeard) / 1_000_000;
      if (silent > 3 * beat) {
        closedForSilence = true;
        closeCause = new WorkerUnavailableException(peerAddress(), "silent for " + silent + " ms (heartbeat every "
            + beat + " ms)", null);
        LOG.warning(() -> peerName() + ": silent for " + silent + " ms (nothing received, heartbeat every " + beat
            + " ms); closing");
        socket.close();
      }
    });
    if (isListener()) {
      writer.onDrained(() -> {
        if (pausedForWriting.compareAndSet(true, false)) {
          resumeReading();
        }
      });
    }
  }

  private boolean isListener() {
    return peer.startsWith("master ");
  }

  // ------------------------------------------------------------------ identity and figures

  /** Who is at the other end, for messages: {@code worker host:port} or {@code master ip:port}. */
  public String peerName() {
    return isListener() ? (role == Handshake.Role.PEER ? "worker " + peer.substring(7) : peer) : "worker " + peer;
  }

  /** The peer's address: the worker's {@code host:port} as configured, or the dialer's socket address. */
  public String peerAddress() {
    return isListener() ? peer.substring("master ".length()) : peer;
  }

  /** The dialer's role (on the listening side), or this side's (on the dialing side). */
  public Handshake.Role role() {
    return role;
  }

  public long bytesSent() {
    return writer.bytesWritten();
  }

  public long bytesReceived() {
    return bytesReceived.get();
  }

  public boolean isOpen() {
    return !closed.future().isComplete();
  }

  /** Completes when the connection is gone, for whatever reason. */
  public Future<Void> closeFuture() {
    return closed.future();
  }

  /** The event-loop context the connection runs on. */
  public Context context() {
    return context;
  }

  /** Calls of this side waiting for their reply. */
  public int callsInFlight() {
    return calls.size();
  }

  // ------------------------------------------------------------------ calls

  /**
   * Sends a request; the future completes with the reply, fails with a {@link RemoteException} if
   * the peer threw, with a {@link ddl.transport.CallTimeoutException} past the deadline, or with a
   * {@link WorkerUnavailableException} if the connection is lost. A large request is copied out by
   * the time this returns (the caller may then change its arrays).
   */
  @SuppressWarnings("unchecked")
  public <T> CallFuture<T> call(Object request, CallOptions options) {
    CallSite site = new CallSite(request);
    if (!isOpen()) {
      return CallFuture.failed(lost(site));
    }
    CallFuture<Object> promise = new CallFuture<>();
    long id = nextId.getAndIncrement();
    long deadline = System.nanoTime() + options.timeoutOr(config.callTimeout()).toNanos();
    CallTable.Pending call = new CallTable.Pending(id, promise, deadline, site, options.lender());
    boolean taken = calls.acquire(deadline, () -> send(call, request));
    if (!taken) {
      promise.tryFail(isOpen() ? CallTable.timeout(peerAddress(), call) : lost(site));
    }
    promise.onCancel(() -> cancel(id));
    return (CallFuture<T>) promise;
  }

  private void send(CallTable.Pending call, Object request) {
    if (!isOpen()) {
      calls.release();
      call.promise().tryFail(lost(call.site()));
      return;
    }
    calls.add(call);
    try {
      codec.send(writer, FrameKind.REQUEST, call.id(), request);
    } catch (RuntimeException e) {
      if (calls.remove(call.id()) != null) {
        call.promise().tryFail(isOpen() ? e : lost(call.site()));
      }
    }
  }

  private boolean cancel(long id) {
    CallTable.Pending call = calls.remove(id);
    if (call == null) {
      return false;
    }
    call.promise().tryFail(new CallCancelledException(call.site().what() + " on " + peerName()
        + " was cancelled; the worker was asked to interrupt it"));
    writer.write(smallFrame(FrameKind.CANCEL, id, Unpooled.EMPTY_BUFFER));
    return true;
  }

  private void sweep() {
    for (CallTable.Pending call : calls.expired(System.nanoTime())) {
      call.promise().tryFail(CallTable.timeout(peerAddress(), call));
      writer.write(smallFrame(FrameKind.CANCEL, call.id(), Unpooled.EMPTY_BUFFER)); // the peer stops it
    }
  }

  private void complete(FrameKind kind, long id, Object valueOrFailure) {
    CallTable.Pending call = calls.remove(id);
    if (call == null) {
      return; // timed out or cancelled already
    }
    if (valueOrFailure instanceof MessageReader.Failed failure) {
      call.promise().tryFail(new ProtocolException("the reply of " + peerName() + " to " + call.site().what()
          + " could not be read: " + failure.cause().getMessage(), failure.cause()));
    } else if (kind == FrameKind.ERROR && valueOrFailure instanceof Messages.RemoteError error) {
      if (WorkerShuttingDownException.class.getName().equals(error.className())) {
        WorkerShuttingDownException down = new WorkerShuttingDownException(peerAddress());
        down.setStackTrace(call.site().getStackTrace());
        call.promise().tryFail(down);
        return;
      }
      RemoteException remote = new RemoteException(peerAddress(), call.site().what(), RemoteErrors.cause(error));
      remote.setStackTrace(call.site().getStackTrace());
      call.promise().tryFail(remoteFailures.apply(remote));
    } else {
      call.promise().tryComplete(valueOrFailure);
    }
  }

  /**
   * Translates the {@link RemoteException}s of this side's calls before they fail their futures
   * (the master rethrows a shipped exception class as itself).
   */
  public void remoteFailures(java.util.function.UnaryOperator<Throwable> translate) {
    this.remoteFailures = translate;
  }

  // ------------------------------------------------------------------ replies

  /** Answers request {@code id} with {@code value}; safe from any thread. */
  public void reply(long id, Object value) {
    try {
      codec.send(writer, FrameKind.RESPONSE, id, value);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      replyError(id, e);
    }
  }

  /** Answers request {@code id} with a failure; safe from any thread. */
  public void replyError(long id, Throwable t) {
    if (t instanceof StackOverflowError) {
      t = new IllegalStateException("stack overflow in the call: " + t);
    }
    try {
      codec.send(writer, FrameKind.ERROR, id, Messages.RemoteError.of(t));
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // The error itself could not be encoded (a huge message, say): send a small one instead.
      Messages.RemoteError small = new Messages.RemoteError(t.getClass().getName(),
          "(the error could not be sent: " + e.getClass().getSimpleName() + ")", java.util.List.of(), null);
      codec.send(writer, FrameKind.ERROR, id, small);
    }
  }

  /** True while the socket cannot take more bytes (a handler may stop taking new work). */
  public boolean congested() {
    return writer.congested();
  }

  // ------------------------------------------------------------------ reading

  /** Pauses reading from the socket until a matching {@link #resumeReading}; any thread. */
  public void pauseReading() {
    onContext(() -> {
      if (pauses++ == 0) {
        socket.pause();
      }
    });
  }

  /** Undoes one {@link #pauseReading}; any thread. */
  public void resumeReading() {
    onContext(() -> {
      if (pauses > 0 && --pauses == 0) {
        socket.resume();
      }
    });
  }

  private void onContext(Runnable action) {
    if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Receives this connection's messages and other frames from its {@link MessageReader}. */
  private final class Delivery implements MessageReader.Delivery {
    @Override
    public void message(FrameKind kind, long id, Object value) {
      if (kind != FrameKind.REQUEST) {
        complete(kind, id, value);
      } else if (value instanceof MessageReader.Failed f) {
        // The frames were whole, so the stream is still in step: refuse this call, keep the connection.
        LOG.warning(() -> peerName() + ": bad request " + id + ": " + f.cause().getMessage());
        replyError(id, f.cause());
      } else {
        deliverRequest(id, value);
      }
    }

    @Override
    public void frame(Frame frame) {
      if (!authenticated) {
        preAuth.frame(frame);
        return;
      }
      switch (frame.kind()) {
        case HEARTBEAT -> { }
        case CANCEL -> {
          Inbound in = inbound;
          if (in != null) {
            in.cancel(Connection.this, frame.requestId());
          }
        }
        default -> violation(new ProtocolException("unexpected " + frame.kind() + " frame after the handshake"));
      }
    }

    @Override
    public void violation(ProtocolException e) {
      closeCause = e;
      LOG.warning(() -> peerName() + ": " + e.getMessage() + "; closing the connection");
      writer.closeAfterQueued();
    }

    @Override
    public ArrayLender lender(long id) {
      CallTable.Pending call = calls.peek(id);
      return call == null ? null : call.lender();
    }

    @Override
    public String peer() {
      return peerAddress();
    }
  }

  private void deliverRequest(long id, Object request) {
    Inbound in = inbound;
    if (in == null) {
      replyError(id, new ProtocolException("this side takes no requests"));
      return;
    }
    in.request(this, id, request);
    if (isListener() && writer.congested() && pausedForWriting.compareAndSet(false, true)) {
      // The peer is not reading our replies: stop reading its requests until it does.
      pauseReading();
    }
  }

  // ------------------------------------------------------------------ closing

  private void onClosed() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    writer.closed();
    decoder.release();
    reader.closed(new ProtocolException("the connection to " + peerName() + " closed mid-message"));
    closed.tryComplete();
    for (CallTable.Pending call : calls.close()) {
      call.promise().tryFail(lost(call.site()));
    }
    Inbound in = inbound;
    if (in != null) {
      in.closed(this);
    }
  }

  private WorkerUnavailableException lost(CallSite site) {
    Throwable cause = closeCause;
    String why = cause == null ? "the connection closed" : "the connection closed (" + cause.getMessage() + ")";
    WorkerUnavailableException e = new WorkerUnavailableException(peerAddress(), site.what() + " failed: " + why, site);
    e.setStackTrace(site.getStackTrace());
    return e;
  }

  /** Closes the connection; calls still waiting fail. */
  public Future<Void> close() {
    socket.close();
    return closed.future();
  }

  /** Closes after what is queued has been handed to the socket (a protocol violation, say). */
  public void closeAfterQueued(Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
    writer.closeAfterQueued();
  }

  // ------------------------------------------------------------------ frames

  private static ByteBuf smallFrame(FrameKind kind, ByteBuf payload) {
    return smallFrame(kind, 0, payload);
  }

  private static ByteBuf smallFrame(FrameKind kind, long id, ByteBuf payload) {
    int n = payload.readableBytes();
    ByteBuf frame = Unpooled.buffer(Frame.PREFIX_BYTES + n);
    frame.writerIndex(Frame.PREFIX_BYTES);
    frame.writeBytes(payload);
    Frame.writePrefix(frame, 0, kind, (byte) 0, id, n);
    return frame;
  }

  /** Whether this connection was closed because the peer sent nothing for three heartbeat intervals. */
  public boolean closedForSilence() {
    return closedForSilence;
  }
}
