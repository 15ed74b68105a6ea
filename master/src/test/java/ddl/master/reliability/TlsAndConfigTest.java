package ddl.master.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.Cluster;
import ddl.master.WorkerProcesses;
import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.TlsConfig;
import ddl.transport.TransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on and off between real processes, and config errors that stop a worker at start-up. */
class TlsAndConfigTest {
  @TempDir
  Path dir;

  /** Makes a self-signed key pair the way README's TLS section says. */
  private Path[] keyPair() throws Exception {
    Path key = dir.resolve("worker-key.pem");
    Path cert = dir.resolve("worker-cert.pem");
    Process p;
    try {
      p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
          "-subj", "/CN=ddl-worker", "-keyout", key.toString(), "-out", cert.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    } catch (IOException e) {
      assumeTrue(false, "openssl is not installed (apt-get install openssl); TLS test skipped");
      throw e;
    }
    assertEquals(0, p.waitFor(), Files.readString(dir.resolve("openssl.log")));
    return new Path[] {key, cert};
  }

  @ParameterizedTest(name = "tls enabled: {0}")
  @ValueSource(booleans = {false, true})
  void callsWorkWithTlsOnAndOff(boolean tls) throws Exception {
    String yaml = "";
    if (tls) {
      Path[] pair = keyPair();
      yaml = "tls: {enabled: true, key: " + pair[0] + ", certificate: " + pair[1] + "}\n";
    }
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, yaml);
        Cluster cluster = Cluster.connect(workers.config()).await()) {
      float[] data = new float[300_000];
      data[299_999] = 42f;
      float[] back = cluster.worker(0).call((ctx, a) -> a, data).await();
      assertEquals(42f, back[299_999]);
      if (tls) {
        ClusterConfig plain = workers.config();
        TransportConfig t = plain.transport();
        TransportConfig quick = new TransportConfig(t.maxMessageBytes(), t.maxInFlight(), t.compressThresholdBytes(),
            t.compressionLevel(), t.linkMbits(), t.callTimeout(), java.time.Duration.ofSeconds(2), t.heartbeatInterval(),
            t.writeQueueMaxBytes(), t.runawayGrace(), t.sessionKeep(), t.shutdownGrace());
        ClusterConfig withoutTls = new ClusterConfig(plain.source(), plain.workers(), plain.secret(), quick,
            TlsConfig.disabled());
        assertThrows(DdlException.class, () -> Cluster.connect(withoutTls).await(),
            "a plaintext master cannot talk to a TLS worker");
      }
    }
  }

  @Test
  void workerWithABadConfigStopsAtStartUpNamingTheKey() throws Exception {
    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, "workers: [127.0.0.1:7999]\nsecret: 0123456789abcdef\ntransport: {max_in_fligth: 5}\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-jar", WorkerProcesses.workerJar().toString(), "--config",
        bad.toString(), "--index", "0")).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(2, p.exitValue(), output);
    assertTrue(output.contains("'transport.max_in_fligth'"), output);
  }
}
