package ddl.train.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a crash leaves either the old file or the whole new one: the bytes go to
 * {@code NAME.tmp}, which is flushed to the disk (fsync), renamed over {@code NAME}, and then the
 * directory is flushed too, so the rename itself survives a power loss.
 */
final class DurableFiles {
  /** Flushes a file or a directory to the disk; a test may watch the calls. */
  interface Sync {
    void force(Path path, FileChannel channel) throws IOException;

    Sync DISK = (path, channel) -> channel.force(true);
  }

  /** Writes what {@code body} writes. */
  interface Body {
    void write(OutputStream out) throws IOException;
  }

  private DurableFiles() {}

  static void write(Path file, Body body, Sync sync) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream out = Channels.newOutputStream(channel);
      body.write(out);
      out.flush();
      sync.force(tmp, channel);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path dir = file.toAbsolutePath().getParent();
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) { // Linux and macOS allow it
      sync.force(dir, directory);
    }
  }
}
