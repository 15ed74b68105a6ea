package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Checks that loading DJL's TensorFlow engine makes no network request when {@code ai.djl.offline=true} and
 * {@code OPT_OUT_TRACKING=true} are set, as they are for every JVM of this project that computes.
 *
 * <p>A child JVM runs {@link DjlOfflineProbe} with its HTTP(S) proxy pointing at a loopback recorder. DJL's usage
 * tracking asks the EC2 metadata address directly ({@code Proxy.NO_PROXY}), which proxy settings alone would not
 * see; the probe therefore also reports every connection opened through {@code java.net.URL} to the same recorder
 * and refuses it, so nothing leaves the machine. The run without the two settings is the negative control: it
 * shows that the recorder does catch DJL's requests.
 */
class DjlStaysOfflineTest {

    private static final String TF_PATH = "TENSORFLOW_LIBRARY_PATH";

    @Test
    void engineLoadAndMatMulMakeNoRequestWithOfflineAndOptOutSet() throws Exception {
        Run run = runProbe(true);
        assertEquals(0, run.exitCode, "probe failed:\n" + run.output);
        assertTrue(run.output.contains("matMul=[7.0, 10.0, 15.0, 22.0]"), run.output);
        assertEquals(List.of(), run.requests, "DJL tried to reach the network although offline");
    }

    @Test
    void withoutTheSettingsTheRecorderSeesDjlTelemetry() throws Exception {
        Run run = runProbe(false);
        assertEquals(0, run.exitCode, "probe failed:\n" + run.output);
        assertFalse(run.requests.isEmpty(), "negative control: no request recorded, so the check above proves "
                + "nothing; probe output:\n" + run.output);
        System.out.println("Without ai.djl.offline and OPT_OUT_TRACKING, DJL requested: " + run.requests);
        assertTrue(run.requests.stream().anyMatch(r -> r.contains("169.254.169.254")),
                "expected DJL's EC2 metadata request; recorded " + run.requests);
    }

    private record Run(int exitCode, String output, List<String> requests) {}

    private static Run runProbe(boolean offline) throws Exception {
        String tfPath = System.getenv(TF_PATH);
        assertNotNull(tfPath, TF_PATH + " is not set; run the tests through Maven, whose Surefire sets it");
        try (Recorder recorder = new Recorder()) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            for (String scheme : new String[] {"http", "https"}) {
                command.add("-D" + scheme + ".proxyHost=127.0.0.1");
                command.add("-D" + scheme + ".proxyPort=" + recorder.port());
                command.add("-D" + scheme + ".nonProxyHosts=");
            }
            command.add("-Djava.net.useSystemProxies=false");
            if (offline) {
                command.add("-Dai.djl.offline=true");
            }
            command.add(DjlOfflineProbe.class.getName());
            command.add(Integer.toString(recorder.port()));

            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.put(TF_PATH, tfPath);
            env.remove("DJL_OFFLINE");
            if (offline) {
                env.put("OPT_OUT_TRACKING", "true");
            } else {
                env.remove("OPT_OUT_TRACKING");
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("probe did not finish in 120 s; output:\n" + output);
            }
            return new Run(process.exitValue(), output, recorder.requests());
        }
    }

    /**
     * Accepts loopback connections and keeps the first line of each: a probe report or a proxied request. {@link
     * #requests()} first drains connections still waiting in the backlog, so none made before it is missed.
     */
    private static final class Recorder implements AutoCloseable {

        private final ServerSocket server;
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        private final Thread acceptor;
        private volatile boolean draining;

        Recorder() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            server.setSoTimeout(200);
            acceptor = Thread.ofPlatform().daemon().name("request-recorder").start(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (true) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    try {
                        line = in.readLine();
                    } catch (IOException e) {
                        line = null;
                    }
                    requests.add(line == null ? "(connection without a request line)" : line);
                } catch (SocketTimeoutException idle) {
                    if (draining) {
                        return;
                    }
                } catch (IOException e) {
                    requests.add("(recorder error: " + e + ")");
                    return;
                }
            }
        }

        /** Returns every request made so far, after the backlog has been read. */
        List<String> requests() throws InterruptedException {
            draining = true;
            acceptor.join(30_000);
            assertFalse(acceptor.isAlive(), "recorder did not drain its backlog in 30 s");
            synchronized (requests) {
                return List.copyOf(requests);
            }
        }

        @Override
        public void close() throws IOException {
            draining = true;
            server.close();
        }
    }
}
