package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.Frame;
import ddl.transport.FrameDecoder;
import ddl.transport.FrameKind;
import ddl.transport.FrameWriter;
import ddl.transport.Handshake;
import ddl.transport.Messages;
import ddl.transport.ProtocolException;
import ddl.transport.SocketInput;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A worker's end of one master connection: the handshake first (nothing else is read before it),
 * then requests decoded on the event loop and run inline or on a virtual thread, replies in any
 * order. A protocol violation closes this connection only.
 */
final class WorkerConnection {
  private static final Logger LOG = Logger.getLogger(WorkerConnection.class.getName());

  private final WorkerServer server;
  private final NetSocket socket;
  private final ClusterConfig config;
  private final Vertx vertx;
  private final ExecutorService executor;
  private final FrameWriter writer;
  private final FrameDecoder decoder;
  private final String peer;
  private final byte[] workerNonce = Handshake.nonce();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final java.util.Map<Long, java.util.concurrent.Future<?>> running =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final long authTimer;
  private volatile Session session;
  private volatile long lastHeard = System.nanoTime();
  private long heartbeatTimer = -1;
  private boolean paused;

  WorkerConnection(WorkerServer server, NetSocket socket, Context context, ExecutorService executor) {
    this.server = server;
    this.socket = socket;
    this.config = server.config();
    this.vertx = context.owner();
    this.executor = executor;
    this.peer = String.valueOf(socket.remoteAddress());
    this.writer = new FrameWriter(socket, context, config.transport().writeQueueMaxBytes());
    this.decoder = new FrameDecoder(Handshake.PRE_AUTH_MAX_FRAME, this::onFrame, this::onProtocolError);
    writer.onDrained(this::resumeIfPaused);
    SocketInput.attach(socket, decoder, server.counters().bytesIn::addAndGet);
    socket.exceptionHandler(e -> LOG.fine(() -> log("socket error: " + e.getMessage())));
    authTimer = vertx.setTimer(config.transport().connectTimeout().toMillis(), t -> {
      if (session == null) {
        LOG.warning(log("no handshake within " + config.transport().connectTimeout().toSeconds() + " s; closing"));
        socket.close();
      }
    });
    writer.write(Frame.of(FrameKind.HELLO, 0, Buffer.buffer(workerNonce)).encode());
  }

  private String log(String message) {
    return "worker " + server.address() + ": master " + peer + ": " + message;
  }

  private void onFrame(Frame frame) {
    lastHeard = System.nanoTime();
    try {
      if (session == null) {
        authenticate(frame);
        return;
      }
      switch (frame.kind()) {
        case REQUEST -> onRequest(frame);
        case HEARTBEAT -> writer.write(Frame.of(FrameKind.HEARTBEAT, 0, null).encode());
        case CANCEL -> cancel(frame.requestId());
        default -> onProtocolError(new ProtocolException("a master may not send " + frame.kind() + " frames"));
      }
    } catch (RuntimeException | Error e) {
      // Nothing a peer sends may take the event loop down: drop this connection, serve the others.
      LOG.severe(log("could not handle a " + frame.kind() + " frame (" + e + "); closing this connection"));
      writer.closeAfterQueued();
    }
  }

  private void authenticate(Frame frame) {
    if (frame.kind() != FrameKind.AUTH
        || frame.payload().length() != Handshake.NONCE_BYTES + Handshake.PROOF_BYTES) {
      LOG.warning(log("refused: sent " + frame.kind() + " before authenticating"));
      socket.close();
      return;
    }
    byte[] masterNonce = frame.payload().getBytes(0, Handshake.NONCE_BYTES);
    byte[] proof = frame.payload().getBytes(Handshake.NONCE_BYTES, Handshake.NONCE_BYTES + Handshake.PROOF_BYTES);
    byte[] expected = Handshake.proof(config.secret(), "master", server.address(), workerNonce, masterNonce);
    if (!Handshake.matches(expected, proof)) {
      LOG.warning(log("refused: wrong secret"));
      socket.close();
      return;
    }
    vertx.cancelTimer(authTimer);
    byte[] answer = Handshake.proof(config.secret(), "worker", server.address(), masterNonce, workerNonce);
    server.handshakeEnded();
    session = server.openSession(peer);
    decoder.maxFrameBytes(config.transport().maxFrameBytes());
    writer.write(Frame.of(FrameKind.AUTH_OK, 0, Buffer.buffer(answer)).encode());
    long beat = config.transport().heartbeatInterval().toMillis();
    heartbeatTimer = vertx.setPeriodic(beat, t -> {
      long silentMillis = (System.nanoTime() - lastHeard) / 1_000_000;
      if (silentMillis > 3 * beat) {
        LOG.warning(log("silent for " + silentMillis + " ms; dropping the session"));
        socket.close();
      }
    });
    LOG.info(log("authenticated, " + session.name() + " open"));
  }

  private void onRequest(Frame frame) {
    long id = frame.requestId();
    Session s = session;
    Messages.Request request;
    try {
      Object decoded = s.codec().decode(frame);
      if (!(decoded instanceof Messages.Request r)) {
        throw new ProtocolException("a request frame carried a "
            + (decoded == null ? "null" : decoded.getClass().getName()) + ", not a request");
      }
      request = r;
    } catch (RuntimeException e) {
      // The frame was whole, so the stream is still in step: refuse this call, keep the connection.
      LOG.warning(log("bad request " + id + ": " + e.getMessage()));
      replyError(id, e);
      return;
    }
    if (server.shuttingDown() && !(request instanceof Messages.Shutdown)) {
      replyError(id, new IllegalStateException("worker " + server.address() + " is shutting down"));
      return;
    }
    if (inFlight.incrementAndGet() > config.transport().maxInFlight()) {
      inFlight.decrementAndGet();
      replyError(id, new IllegalStateException("more than " + config.transport().maxInFlight()
          + " requests in flight on one connection (transport.max_in_flight); wait for replies first"));
      return;
    }
    server.counters().inFlight.incrementAndGet();
    if (request instanceof Messages.Shutdown) {
      server.shutdown(() -> reply(id, null));
      return;
    }
    if (RequestHandler.inline(request)) {
      run(s, id, request);
    } else {
      java.util.concurrent.Future<?> task = executor.submit(() -> {
        Thread.currentThread().setContextClassLoader(s.loader());
        try {
          run(s, id, request);
        } finally {
          running.remove(id);
        }
      });
      running.put(id, task);
      if (task.isDone()) {
        running.remove(id);
      }
    }
    if (writer.congested() && !paused) {
      paused = true;
      socket.pause();
    }
  }

  /** The master gave up on call {@code id}: interrupt it if it still runs (its reply is dropped). */
  private void cancel(long id) {
    java.util.concurrent.Future<?> task = running.remove(id);
    if (task != null && task.cancel(true)) {
      LOG.info(log("call " + id + " passed its deadline on the master; interrupted"));
    }
  }

  private void run(Session s, long id, Messages.Request request) {
    Object result;
    try {
      result = server.handler().handle(s, request);
    } catch (Throwable t) {
      finished();
      replyError(id, t);
      return;
    }
    reply(id, result);
  }

  /** Sends the result of a call counted in flight. */
  private void reply(long id, Object value) {
    finished();
    try {
      writer.write(session.codec().encodeFrame(FrameKind.RESPONSE, id, value));
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      replyError(id, e);
    }
  }

  private void replyError(long id, Throwable t) {
    if (t instanceof StackOverflowError) {
      t = new IllegalStateException("stack overflow in the call: " + t);
    }
    try {
      writer.write(session.codec().encodeFrame(FrameKind.ERROR, id, Messages.RemoteError.of(t)));
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // The error itself could not be encoded (a huge message, say): send a small one instead.
      Messages.RemoteError small = new Messages.RemoteError(t.getClass().getName(),
          "(the error could not be sent: " + e.getClass().getSimpleName() + ")", java.util.List.of(), null);
      writer.write(session.codec().encodeFrame(FrameKind.ERROR, id, small));
    }
  }

  long bytesWritten() {
    return writer.bytesWritten();
  }

  private void finished() {
    inFlight.decrementAndGet();
    server.counters().inFlight.decrementAndGet();
    server.counters().callsServed.incrementAndGet();
  }

  private void resumeIfPaused() {
    if (paused) {
      paused = false;
      socket.resume();
    }
  }

  private void onProtocolError(ProtocolException e) {
    LOG.warning(log(e.getMessage() + "; closing this connection"));
    writer.closeAfterQueued();
  }

  /** Called by the server when the socket has closed. */
  void onClosedExternally() {
    vertx.cancelTimer(authTimer);
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    Session s = session;
    if (s != null) {
      server.closeSession(s);
      LOG.info(log("disconnected, " + s.name() + " closed"));
    } else {
      server.handshakeEnded();
    }
  }

  void close() {
    socket.close();
  }
}
