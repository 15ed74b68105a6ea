package ddl.master.reliability;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A session object that writes a file when the worker closes it, so a test in another process
 * sees the moment (no heap readings, no sleeps). Only the master has this class: it is shipped.
 */
public record CloseMarker(String path) implements AutoCloseable, Serializable {
  @Override
  public void close() {
    try {
      Files.writeString(Path.of(path), "closed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (at most 10 s) for the file to appear. */
  public static boolean awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }
}
