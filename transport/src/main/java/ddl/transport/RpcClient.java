package ddl.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The master's end of one multiplexed connection to a worker: authenticates, then carries any
 * number of calls at once, pairing replies with calls by request id whatever their order. Every
 * call has a deadline; a lost connection fails every call still waiting, naming the worker.
 */
public final class RpcClient {
  private static final Logger LOG = Logger.getLogger(RpcClient.class.getName());
  private static final long SWEEP_MILLIS = 100;

  private final Vertx vertx;
  private final WorkerAddress address;
  private final ClusterConfig config;
  private final NetClient netClient;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, PendingCall> pending = new ConcurrentHashMap<>();
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private final Promise<Void> closed = Promise.promise();
  private final AtomicLong bytesReceived = new AtomicLong();
  private volatile PayloadCodec codec;
  private volatile NetSocket socket;
  private volatile FrameWriter writer;
  private volatile Context context;
  private volatile long lastHeard = System.nanoTime();
  private volatile Throwable closeCause;
  private int inFlight;
  private long sweepTimer = -1;
  private long heartbeatTimer = -1;

  private record PendingCall(Promise<Object> promise, long deadlineNanos, CallSite callSite) {
    String what() {
      return callSite.what();
    }
  }

  private RpcClient(Vertx vertx, WorkerAddress address, ClusterConfig config, PayloadCodec codec) {
    this.vertx = vertx;
    this.address = address;
    this.config = config;
    this.codec = codec;
    NetClientOptions options = new NetClientOptions()
        .setTcpNoDelay(true)
        .setConnectTimeout((int) config.transport().connectTimeout().toMillis());
    if (config.tls().enabled()) {
      options.setSsl(true)
          .setHostnameVerificationAlgorithm("")
          .setTrustOptions(new PemTrustOptions().addCertPath(config.tls().trust()));
    }
    this.netClient = vertx.createNetClient(options);
  }

  /** Connects and authenticates; the future fails with a message saying what to check. */
  public static Future<RpcClient> connect(Vertx vertx, WorkerAddress address, ClusterConfig config, PayloadCodec codec) {
    RpcClient client = new RpcClient(vertx, address, config, codec);
    return client.open().map(v -> client);
  }

  /** The worker's address, {@code host:port}. */
  public String address() {
    return address.toString();
  }

  /** Replaces the codec, e.g. with one that knows more classes. */
  public void codec(PayloadCodec codec) {
    this.codec = codec;
  }

  public long bytesSent() {
    FrameWriter w = writer;
    return w == null ? 0 : w.bytesWritten();
  }

  public long bytesReceived() {
    return bytesReceived.get();
  }

  /** Completes when the connection is gone, for whatever reason. */
  public Future<Void> closeFuture() {
    return closed.future();
  }

  public boolean isOpen() {
    return !closed.future().isComplete();
  }

  private Future<Void> open() {
    Promise<Void> ready = Promise.promise();
    // Connect from the connection's own event loop, so the handlers are in place before the
    // worker's first frame can be read.
    Context ctx = vertx.getOrCreateContext();
    context = ctx;
    ctx.runOnContext(start -> netClient.connect(address.port(), address.host()).onComplete(ar -> {
      if (ar.failed()) {
        ready.fail(new WorkerUnavailableException(address(), "cannot connect (" + ar.cause().getMessage()
            + "); is it running? start workers with scripts/start", ar.cause()));
        netClient.close();
        return;
      }
      NetSocket s = ar.result();
      socket = s;
      writer = new FrameWriter(s, ctx, config.transport().writeQueueMaxBytes());
      authenticate(s, ready);
    }));
    return ready.future();
  }

  private void authenticate(NetSocket s, Promise<Void> ready) {
    byte[] masterNonce = Handshake.nonce();
    byte[][] workerNonce = new byte[1][];
    long timer = vertx.setTimer(config.transport().connectTimeout().toMillis(), t -> ready.tryFail(
        new AuthenticationException("worker " + address + " did not complete the handshake in "
            + config.transport().connectTimeout().toSeconds() + " s; is it a DDL worker of the same version?")));
    FrameDecoder decoder = new FrameDecoder(Handshake.PRE_AUTH_MAX_FRAME, frame -> {
      lastHeard = System.nanoTime();
      if (ready.future().isComplete()) {
        onFrame(frame);
      } else if (frame.kind() == FrameKind.HELLO && workerNonce[0] == null
          && frame.payload().length() == Handshake.NONCE_BYTES) {
        workerNonce[0] = frame.payload().getBytes();
        byte[] proof = Handshake.proof(config.secret(), "master", address(), workerNonce[0], masterNonce);
        writer.write(Frame.of(FrameKind.AUTH, 0, Buffer.buffer(masterNonce).appendBytes(proof)).encode());
      } else if (frame.kind() == FrameKind.AUTH_OK && workerNonce[0] != null
          && frame.payload().length() == Handshake.PROOF_BYTES) {
        byte[] expected = Handshake.proof(config.secret(), "worker", address(), masterNonce, workerNonce[0]);
        vertx.cancelTimer(timer);
        if (!Handshake.matches(expected, frame.payload().getBytes())) {
          ready.tryFail(new AuthenticationException("worker " + address
              + " does not know the shared secret; use the same config.yml (key 'secret') everywhere"));
          s.close();
          return;
        }
        startTimers();
        ready.tryComplete();
      } else {
        vertx.cancelTimer(timer);
        ready.tryFail(new AuthenticationException("worker " + address + " broke the handshake with a "
            + frame.kind() + " frame; is it a DDL worker of the same version?"));
        s.close();
      }
    }, error -> {
      closeCause = error;
      LOG.warning(() -> "worker " + address + ": " + error.getMessage() + "; closing the connection");
      s.close();
    });
    SocketInput.attach(s, decoder, bytesReceived::addAndGet);
    s.closeHandler(v -> {
      vertx.cancelTimer(timer);
      ready.tryFail(new AuthenticationException("worker " + address
          + " closed the connection during the handshake; check that its secret matches config.yml"));
      onClosed();
    });
    s.exceptionHandler(e -> closeCause = e);
    ready.future().onSuccess(v -> decoder.maxFrameBytes(config.transport().maxFrameBytes()));
  }

  private void startTimers() {
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, t -> sweep());
    long beat = config.transport().heartbeatInterval().toMillis();
    heartbeatTimer = vertx.setPeriodic(beat, t -> {
      writer.write(Frame.of(FrameKind.HEARTBEAT, 0, null).encode());
      long silentNanos = System.nanoTime() - lastHeard;
      if (silentNanos > 3 * beat * 1_000_000L) {
        closeCause = new WorkerUnavailableException(address(), "silent for " + silentNanos / 1_000_000
            + " ms (heartbeat every " + beat + " ms)", null);
        LOG.warning(() -> "worker " + address + ": no heartbeat for " + silentNanos / 1_000_000 + " ms; closing");
        socket.close();
      }
    });
  }

  /**
   * Sends a request; the future completes with the reply, fails with a {@link RemoteException} if
   * the worker threw, or with a {@link WorkerUnavailableException} on timeout or connection loss.
   */
  @SuppressWarnings("unchecked")
  public <T> Future<T> call(Messages.Request request, Duration timeout) {
    CallSite callSite = new CallSite(request);
    Promise<Object> promise = Promise.promise();
    if (!isOpen()) {
      promise.fail(lost(callSite.what(), callSite));
      return (Future<T>) promise.future();
    }
    long id = nextId.getAndIncrement();
    Buffer frame;
    try {
      frame = codec.encodeFrame(FrameKind.REQUEST, id, request);
    } catch (RuntimeException e) {
      promise.fail(e);
      return (Future<T>) promise.future();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    PendingCall call = new PendingCall(promise, deadline, callSite);
    boolean sendNow;
    synchronized (waiting) {
      if (!isOpen()) {
        // Closed since the check above: the queue may already have been drained.
        promise.fail(lost(callSite.what(), callSite));
        return (Future<T>) promise.future();
      }
      sendNow = inFlight < config.transport().maxInFlight();
      if (sendNow) {
        inFlight++;
      } else {
        waiting.add(() -> send(id, call, frame));
      }
    }
    if (sendNow) {
      send(id, call, frame);
    }
    return (Future<T>) promise.future();
  }

  private void send(long id, PendingCall call, Buffer frame) {
    pending.put(id, call);
    if (!isOpen()) {
      if (pending.remove(id) != null) {
        call.promise().tryFail(lost(call.what(), call.callSite()));
      }
      return;
    }
    writer.write(frame);
  }

  private void onFrame(Frame frame) {
    switch (frame.kind()) {
      case RESPONSE, ERROR -> complete(frame);
      case HEARTBEAT -> { }
      default -> {
        closeCause = new ProtocolException("unexpected " + frame.kind() + " frame from the worker");
        socket.close();
      }
    }
  }

  private void complete(Frame frame) {
    PendingCall call = pending.remove(frame.requestId());
    if (call == null) {
      return; // timed out already
    }
    released();
    Object value;
    try {
      value = codec.decode(frame);
    } catch (RuntimeException e) {
      call.promise().tryFail(new ProtocolException("reply from " + address + " to " + call.what()
          + " could not be read: " + e.getMessage(), e));
      return;
    }
    if (frame.kind() == FrameKind.ERROR && value instanceof Messages.RemoteError error) {
      RemoteException remote = new RemoteException(address(), call.what(), error);
      remote.setStackTrace(call.callSite().getStackTrace());
      call.promise().tryFail(remote);
    } else {
      call.promise().tryComplete(value);
    }
  }

  private void released() {
    Runnable next;
    synchronized (waiting) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<Long, PendingCall> e : pending.entrySet()) {
      PendingCall call = e.getValue();
      if (now - call.deadlineNanos() > 0 && pending.remove(e.getKey(), call)) {
        released();
        CallTimeoutException timeout = new CallTimeoutException(address(), call.what() + " got no reply before"
            + " its deadline; raise the call's timeout or transport.call_timeout_seconds", call.callSite());
        timeout.setStackTrace(call.callSite().getStackTrace());
        call.promise().tryFail(timeout);
        writer.write(Frame.of(FrameKind.CANCEL, e.getKey(), null).encode()); // the worker stops it

      }
    }
  }

  private void onClosed() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    closed.tryComplete();
    for (Long id : pending.keySet()) {
      PendingCall call = pending.remove(id);
      if (call != null) {
        call.promise().tryFail(lost(call.what(), call.callSite()));
      }
    }
    synchronized (waiting) {
      for (Runnable r : waiting) {
        r.run(); // fails each one, since the connection is closed
      }
      waiting.clear();
    }
    netClient.close();
  }

  private WorkerUnavailableException lost(String what, Throwable callSite) {
    Throwable cause = closeCause;
    String why = cause == null ? "the connection closed" : "the connection closed (" + cause.getMessage() + ")";
    WorkerUnavailableException e = new WorkerUnavailableException(address(), what + " failed: " + why, callSite);
    e.setStackTrace(callSite.getStackTrace());
    return e;
  }

  /** Closes the connection; calls still waiting fail. */
  public Future<Void> close() {
    NetSocket s = socket;
    if (s != null) {
      s.close();
    } else {
      onClosed();
    }
    return closed.future();
  }

  private static String describe(Class<?> type) {
    return Messages.Request.class.isAssignableFrom(type) ? type.getSimpleName().toLowerCase()
        : "call of " + type.getName().replaceAll("\\$\\$Lambda.*", " lambda");
  }

  /**
   * Where a call was made, kept to explain a later failure. Only the stack is captured when the
   * call is made; the description is worked out if a failure needs it.
   */
  static final class CallSite extends RuntimeException {
    /** The class the description is made from, or the description itself. */
    private final Object subject;
    private String what;

    CallSite(Messages.Request request) {
      super(null, null, false, true);
      this.subject = switch (request) {
        case Messages.Invoke invoke -> invoke.function().getClass();
        case Messages.InvokeMethod m -> "call of " + m.className() + "." + m.methodName();
        default -> request.getClass();
      };
    }

    String what() {
      if (what == null) {
        what = subject instanceof String s ? s : describe((Class<?>) subject);
      }
      return what;
    }

    @Override
    public String getMessage() {
      return "call made here: " + what();
    }
  }
}
