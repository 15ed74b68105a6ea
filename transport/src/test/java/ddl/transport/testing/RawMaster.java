package ddl.transport.testing;

import ddl.transport.wire.Frame;
import ddl.transport.wire.FrameKind;
import ddl.transport.wire.Handshake;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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

  public RawMaster(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Connects and completes the handshake with {@code secret}, as a master. */
  public static RawMaster authenticated(int port, String secret) throws IOException {
    RawMaster m = new RawMaster(port);
    Frame hello = m.read();
    Handshake.Dialer dialer = new Handshake.Dialer(secret, "127.0.0.1:" + port, Handshake.Role.MASTER);
    m.send(frame(FrameKind.AUTH, 0, ByteBufUtil.getBytes(dialer.onHello(hello.payload()))));
    Frame ok = m.read();
    if (ok.kind() != FrameKind.AUTH_OK) {
      throw new IOException("expected AUTH_OK, got " + ok.kind() + " " + ok.payload().toString(
          java.nio.charset.StandardCharsets.UTF_8));
    }
    dialer.onAuthOk(ok.payload());
    return m;
  }

  /** A frame's bytes, length prefix included. */
  public static byte[] frame(FrameKind kind, long id, byte[] payload) {
    return Frame.of(kind, id, payload).encode().getBytes();
  }

  public void send(Buffer bytes) throws IOException {
    send(bytes.getBytes());
  }

  public void send(ByteBuf bytes) throws IOException {
    send(ByteBufUtil.getBytes(bytes));
    bytes.release();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public Frame read() throws IOException {
    int length = in.readInt();
    byte[] rest = new byte[length];
    in.readFully(rest);
    ByteBuf b = Unpooled.wrappedBuffer(rest);
    return new Frame(FrameKind.of(b.getByte(1)), b.getByte(2), b.getLong(3), b.slice(Frame.HEADER_BYTES,
        length - Frame.HEADER_BYTES));
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
