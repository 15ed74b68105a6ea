package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A child-process main for {@link DjlStaysOfflineTest}: loads the TensorFlow engine, does one matMul and prints
 * the result.
 *
 * <p>Before touching DJL it takes over the {@code http} and {@code https} URL handlers: every connection a library
 * opens through {@link URL} — even one that asks for {@link Proxy#NO_PROXY} and so would ignore the proxy
 * settings — is reported to the recorder on the loopback port given as the only argument, and then fails. No
 * request leaves the machine.
 */
public final class DjlOfflineProbe {

    private DjlOfflineProbe() {}

    public static void main(String[] args) {
        int recorderPort = Integer.parseInt(args[0]);
        URL.setURLStreamHandlerFactory(protocol ->
                protocol.equals("http") || protocol.equals("https") ? new ReportingHandler(recorderPort) : null);
        try (NDManager manager = NDManager.newBaseManager(MlpCompute.ENGINE)) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            System.out.println("matMul=" + Arrays.toString(a.matMul(a).toFloatArray()));
        }
    }

    /** Reports each connection attempt to the recorder and refuses it. */
    private static final class ReportingHandler extends URLStreamHandler {

        private final int recorderPort;

        ReportingHandler(int recorderPort) {
            this.recorderPort = recorderPort;
        }

        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            return openConnection(url, null);
        }

        @Override
        protected URLConnection openConnection(URL url, Proxy proxy) throws IOException {
            String line = "URL " + url + " proxy=" + (proxy == null ? "default" : proxy) + "\n";
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), recorderPort);
                    OutputStream out = s.getOutputStream()) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
            throw new ConnectException("Network access is blocked in this probe: " + url);
        }
    }
}
