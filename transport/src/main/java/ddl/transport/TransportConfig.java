package ddl.transport;

import java.time.Duration;

/** Transport settings from the {@code transport:} section of config.yml. */
public record TransportConfig(
    int maxFrameBytes,
    long maxDecompressedBytes,
    int maxInFlight,
    int compressThresholdBytes,
    int compressionLevel,
    Duration callTimeout,
    Duration connectTimeout,
    Duration heartbeatInterval,
    int writeQueueMaxBytes) {

  /** The defaults used when config.yml leaves a key out. */
  public static TransportConfig defaults() {
    return new TransportConfig(
        512 * 1024 * 1024,
        1024L * 1024 * 1024,
        16384,
        8192,
        1,
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        8 * 1024 * 1024);
  }
}
