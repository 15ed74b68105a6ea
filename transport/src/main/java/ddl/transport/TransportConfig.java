package ddl.transport;

import java.time.Duration;

/**
 * Transport settings from the {@code transport:} section of config.yml.
 *
 * @param maxMessageBytes largest message (all its frames, after decompression) a peer may send
 * @param maxInFlight most calls in flight on one connection
 * @param compressThresholdBytes messages from this size on are compressed where it pays
 * @param compressionLevel zstd level
 * @param linkMbits the links' bandwidth between master and workers, in Mbit/s: a large payload is
 *     compressed only when the wire time it saves at this rate exceeds the CPU time zstd takes
 * @param callTimeout default deadline of a call
 * @param connectTimeout connect plus handshake
 * @param heartbeatInterval both ends send heartbeats; a peer silent for three intervals is dropped
 * @param writeQueueMaxBytes bytes a connection queues for its socket before senders wait
 * @param runawayGrace how long a call that ignores being cancelled may keep running before the
 *     worker leaves (exit code 75) so that its supervisor restarts it
 * @param sessionKeep how long a worker keeps a named session (one a master asked to keep across
 *     connections) after its last connection closed; then its objects are closed and it is dropped
 * @param shutdownGrace how long a worker asked to shut down lets its calls in flight finish before
 *     it closes their connections
 */
public record TransportConfig(
    long maxMessageBytes,
    int maxInFlight,
    int compressThresholdBytes,
    int compressionLevel,
    int linkMbits,
    Duration callTimeout,
    Duration connectTimeout,
    Duration heartbeatInterval,
    int writeQueueMaxBytes,
    Duration runawayGrace,
    Duration sessionKeep,
    Duration shutdownGrace) {

  /** The defaults used when config.yml leaves a key out. */
  public static TransportConfig defaults() {
    return new TransportConfig(
        1L << 30,
        16384,
        8192,
        1,
        10_000,
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        8 * 1024 * 1024,
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofSeconds(30));
  }

  /** The same settings with another default call deadline. */
  public TransportConfig withCallTimeout(Duration timeout) {
    return new TransportConfig(maxMessageBytes, maxInFlight, compressThresholdBytes, compressionLevel, linkMbits,
        timeout, connectTimeout, heartbeatInterval, writeQueueMaxBytes, runawayGrace, sessionKeep, shutdownGrace);
  }

  /** The same settings with another keep time for named sessions. */
  public TransportConfig withSessionKeep(Duration keep) {
    return new TransportConfig(maxMessageBytes, maxInFlight, compressThresholdBytes, compressionLevel, linkMbits,
        callTimeout, connectTimeout, heartbeatInterval, writeQueueMaxBytes, runawayGrace, keep, shutdownGrace);
  }

  /**
   * How long a master waits for a worker's reply to a shutdown request: the worker's grace for its
   * calls in flight, plus a connect timeout for the reply itself.
   */
  public Duration shutdownReplyTimeout() {
    return shutdownGrace.plus(connectTimeout);
  }

  /** The same settings for links of {@code mbits} Mbit/s. */
  public TransportConfig withLinkMbits(int mbits) {
    if (mbits < 1) {
      throw new IllegalArgumentException("a link of " + mbits + " Mbit/s; give at least 1");
    }
    return new TransportConfig(maxMessageBytes, maxInFlight, compressThresholdBytes, compressionLevel, mbits,
        callTimeout, connectTimeout, heartbeatInterval, writeQueueMaxBytes, runawayGrace, sessionKeep, shutdownGrace);
  }

  /** The same settings without compression (a message is never compressed, whatever its size). */
  public TransportConfig withoutCompression() {
    return new TransportConfig(maxMessageBytes, maxInFlight, Integer.MAX_VALUE, compressionLevel, linkMbits,
        callTimeout, connectTimeout, heartbeatInterval, writeQueueMaxBytes, runawayGrace, sessionKeep, shutdownGrace);
  }
}
