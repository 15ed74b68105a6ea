package ddl.master.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.Cluster;
import ddl.master.WorkerProcesses;
import ddl.transport.TransportConfig;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.Frame;
import ddl.transport.wire.FrameKind;
import ddl.transport.wire.Messages;
import ddl.transport.wire.PayloadCodec;
import ddl.transport.testing.RawMaster;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated frames, seeded and reproducible, at a live worker process: before authentication and
 * after it. The worker must keep answering pings and its heap must stay bounded. The count comes
 * from {@code -Dddl.fuzz.frames=N} (CI runs a few thousand; the full run is 100,000).
 */
class FuzzedFramesTest {
  private static final int FRAMES = Integer.getInteger("ddl.fuzz.frames", 5000);
  private static final long SEED = Long.getLong("ddl.fuzz.seed", 20261126L);
  @TempDir
  static Path dir;
  static WorkerProcesses workers;
  static Cluster cluster;

  @BeforeAll
  static void start() throws Exception {
    workers = WorkerProcesses.start(1, dir, "transport: {max_message_bytes: 16777216}\n");
    cluster = Cluster.connect(workers.config()).await();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    workers.close();
  }

  private int port() {
    return workers.config().workers().get(0).port();
  }

  @Test
  void fuzzedFramesBeforeAuthAreRefusedAndNothingIsAllocated() throws Exception {
    Random random = new Random(SEED);
    int sent = 0;
    int connections = 0;
    while (sent < FRAMES / 2) {
      try (RawMaster raw = new RawMaster(port())) {
        connections++;
        raw.read(); // HELLO
        int burst = 1 + random.nextInt(20);
        for (int i = 0; i < burst; i++, sent++) {
          raw.send(randomFrame(random, true));
        }
        // A truncated frame may leave the worker waiting for bytes until its handshake deadline.
        raw.closedByPeer(200);
      } catch (IOException closedWhileSending) {
        // the worker may close before the burst is written
      }
    }
    cluster.worker(0).ping().await();
    var stats = cluster.worker(0).stats().await();
    assertEquals(1, stats.sessions(), "no fuzzed connection got a session");
    assertEquals(1, stats.callsRunning(), "no fuzzed frame started a call");
    System.out.printf("fuzz before auth: %d frames on %d connections%n", sent, connections);
  }

  @Test
  void fuzzedFramesAfterAuthGetErrorsOrClosedConnectionsAndTheWorkerKeepsServing() throws Exception {
    Random random = new Random(SEED + 1);
    int sent = 0;
    int connections = 0;
    int replies = 0;
    PayloadCodec codec = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    AtomicInteger answered = new AtomicInteger();
    while (sent < FRAMES / 2) {
      try (RawMaster raw = RawMaster.authenticated(port(), WorkerProcesses.SECRET)) {
        connections++;
        Thread reader = Thread.ofVirtual().start(() -> {
          try {
            while (true) {
              raw.read();
              answered.incrementAndGet();
            }
          } catch (IOException closed) {
            // end of this connection
          }
        });
        for (int i = 0; i < 200 && sent < FRAMES / 2; i++, sent++) {
          raw.send(random.nextBoolean() ? mutate(random, codec) : randomFrame(random, false));
        }
        raw.send(codec.encodeFrame(FrameKind.REQUEST, 1, new Messages.Ping(1)));
        reader.join(300);
      } catch (IOException closed) {
        // the worker closed a connection that broke the protocol: allowed
      }
    }
    replies = answered.get();
    cluster.worker(0).ping().await();
    assertTrue(replies > sent / 4, "most fuzzed requests reached the decoder and got a reply: " + replies
        + "; worker log ends:\n" + tail(workers.log(0), 15));
    System.out.printf("fuzz after auth: %d frames on %d connections, %d replies%n", sent, connections, replies);
  }

  private static String tail(String log, int lines) {
    java.util.List<String> all = log.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** A frame with random header fields, a length that may lie, and random bytes. */
  static Buffer randomFrame(Random random, boolean preAuth) {
    int payloadBytes = random.nextInt(preAuth ? 200 : 2000);
    byte[] payload = new byte[payloadBytes];
    random.nextBytes(payload);
    Buffer b = Buffer.buffer();
    // After authentication most frames are well-formed requests with junk payloads, so the
    // connection survives long enough to exercise the decoder; the rest break the framing.
    int odds = preAuth ? 3 : 400;
    int length = switch (random.nextInt(odds)) {
      case 0 -> random.nextInt();                        // any length at all
      case 1 -> Integer.MAX_VALUE - random.nextInt(100); // huge
      default -> Frame.HEADER_BYTES + payloadBytes;      // honest
    };
    b.appendInt(length);
    b.appendByte(random.nextInt(odds * 2) == 0 ? (byte) random.nextInt() : Frame.VERSION);
    byte kind = preAuth || random.nextInt(odds) == 0 ? (byte) (1 + random.nextInt(8)) : FrameKind.REQUEST.code();
    b.appendByte(random.nextInt(odds * 3) == 0 ? (byte) random.nextInt() : kind);
    b.appendByte((byte) random.nextInt(4)); // compressed, more frames follow, both, neither
    b.appendLong(random.nextLong());
    b.appendBytes(payload);
    if (random.nextInt(preAuth ? 5 : 2000) == 0) {
      return b.getBuffer(0, random.nextInt(b.length() + 1)); // truncated
    }
    return b;
  }

  /** A valid request frame with a few bytes changed: lying array lengths, bad class ids, bad zstd. */
  static Buffer mutate(Random random, PayloadCodec codec) {
    Object message = switch (random.nextInt(4)) {
      case 0 -> new Messages.Put("x", new float[1 + random.nextInt(5000)]);
      case 1 -> new Messages.Put("s", "text ".repeat(1 + random.nextInt(4000)));
      case 2 -> new Messages.HasClasses(java.util.List.of("a.B", "c.D"));
      default -> new Messages.Get("k");
    };
    byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(codec.encodeFrame(FrameKind.REQUEST, random.nextLong(), message));
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips; i++) {
      int at = 15 + random.nextInt(Math.max(1, bytes.length - 15));
      if (at < bytes.length) {
        bytes[at] = (byte) random.nextInt();
      }
    }
    if (random.nextInt(10) == 0) {
      bytes[6] = Frame.FLAG_COMPRESSED; // claims zstd it is not
    }
    return Buffer.buffer(bytes);
  }
}
