package ddl.transport.testing;

import ddl.transport.Frame;
import ddl.transport.FrameKind;
import ddl.transport.Handshake;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A blocking test client that speaks the wire protocol by hand, to send what a real master never would. */
public final class RawMaster implements AutoCloseable {
  public final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private final int port;

  public RawMaster(int port) throws IOException {
    this.port = port;
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Connects and completes the handshake with {@code secret}. */
  public static RawMaster authenticated(int port, String secret) throws IOException {
    RawMaster m = new RawMaster(port);
    Frame hello = m.read();
    byte[] nonce = Handshake.nonce();
    byte[] proof = Handshake.proof(secret, "master", "127.0.0.1:" + port, hello.payload().getBytes(), nonce);
    m.send(Frame.of(FrameKind.AUTH, 0, Buffer.buffer(nonce).appendBytes(proof)).encode());
    Frame ok = m.read();
    if (ok.kind() != FrameKind.AUTH_OK) {
      throw new IOException("expected AUTH_OK, got " + ok.kind());
    }
    return m;
  }

  public void send(Buffer bytes) throws IOException {
    out.write(bytes.getBytes());
    out.flush();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public Frame read() throws IOException {
    int length = in.readInt();
    byte[] rest = new byte[length];
    in.readFully(rest);
    Buffer b = Buffer.buffer(rest);
    return new Frame(FrameKind.of(b.getByte(1)), b.getByte(2), b.getLong(3), b.getBuffer(Frame.HEADER_BYTES, length));
  }

  /** True once the worker has closed the connection (reads EOF within the socket's timeout). */
  public boolean closedByPeer() {
    return closedByPeer(5000);
  }

  /** True if the worker closes the connection within {@code millis} (replies are skipped). */
  public boolean closedByPeer(int millis) {
    try {
      socket.setSoTimeout(millis);
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
