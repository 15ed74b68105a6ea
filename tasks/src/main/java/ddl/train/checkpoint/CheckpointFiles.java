package ddl.train.checkpoint;

import ddl.train.driver.EpochStats;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and writes {@link Checkpoint}s as {@code <dir>/<run id>-epoch<NNN>.ckpt} (the run id is
 * the checkpoint's {@value #RUN_ID} setting, or its task for checkpoints without one): a small
 * binary format (magic {@code DDLCKPT1}, settings, tensors as little-endian floats, epoch history),
 * written to a temporary file, flushed to the disk, renamed into place, and the directory flushed
 * (see {@link DurableFiles}): a crash leaves the previous checkpoint or the whole new one.
 */
public final class CheckpointFiles {
  private static final String MAGIC = "DDLCKPT1";
  private static final Pattern NAME = Pattern.compile("(.+)-epoch(\\d+)\\.ckpt");
  /** The setting that names the run a checkpoint belongs to. */
  public static final String RUN_ID = "run_id";

  /**
   * What a checkpoint says about itself, without its values.
   *
   * @param file where it is
   * @param task the task that wrote it
   * @param runId the run it belongs to
   * @param epochsDone epochs finished
   * @param settings the run's settings
   * @param names the tensor names
   * @param shapes the tensor dimensions
   */
  public record Header(Path file, String task, String runId, int epochsDone, Map<String, String> settings,
      String[] names, int[][] shapes) {}

  private CheckpointFiles() {}

  /** Writes the checkpoint under {@code dir} and returns its path. */
  public static Path save(Path dir, Checkpoint c) {
    return save(dir, c, DurableFiles.Sync.DISK);
  }

  static Path save(Path dir, Checkpoint c, DurableFiles.Sync sync) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format("%s-epoch%03d.ckpt", c.setting(RUN_ID, c.task()), c.epochsDone()));
      DurableFiles.write(file, os -> {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
        write(out, c);
        out.flush();
      }, sync);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint under " + dir.toAbsolutePath() + ": " + e.getMessage(),
          e);
    }
  }

  /** The checkpoint of {@code task} with the most epochs under {@code dir}, if any. */
  public static Optional<Path> latest(Path dir, String task) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() && m.group(1).equals(task);
      }).max(Comparator.comparingInt(CheckpointFiles::epochOf));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir.toAbsolutePath(), e);
    }
  }

  /** The checkpoint of run {@code runId} with the most epochs under {@code dir}, if any. */
  public static Optional<Path> latestOfRun(Path dir, String runId) {
    return latest(dir, runId);
  }

  /**
   * The last checkpoint of every run under {@code dir}, newest run first (by the time its last
   * checkpoint was written); files that cannot be read are left out.
   */
  public static List<Header> runs(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Map<String, Path> last = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          last.merge(m.group(1), p, (a, b) -> epochOf(a) >= epochOf(b) ? a : b);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir.toAbsolutePath(), e);
    }
    List<Header> headers = new ArrayList<>();
    for (Path p : last.values()) {
      try {
        headers.add(header(p));
      } catch (IllegalArgumentException unreadable) {
        // not a checkpoint this version can read: not a run to resume
      }
    }
    headers.sort(Comparator.comparingLong((Header h) -> h.file().toFile().lastModified()).reversed());
    return headers;
  }

  /** Reads what a checkpoint says about itself, skipping its values. */
  public static Header header(Path file) {
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      Checkpoint c = read(in, false);
      return new Header(file, c.task(), c.setting(RUN_ID, c.task()), c.epochsDone(), c.settings(), c.names(),
          c.shapes());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read checkpoint " + file.toAbsolutePath() + " (" + e.getMessage()
          + ")", e);
    }
  }

  /** The newest checkpoint of any task under {@code dir}, by modification time. */
  public static Optional<Path> newest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir.toAbsolutePath(), e);
    }
  }

  /**
   * The checkpoint a command was given, or else the newest in {@code dir}; none at all gives a
   * message that says to train one or name one.
   */
  public static Path givenOrNewest(Path given, Path dir) {
    if (given != null) {
      return given;
    }
    return newest(dir).orElseThrow(() -> new IllegalArgumentException("no checkpoint in " + dir.toAbsolutePath()
        + "; train one first (scripts/task sync-sgd) or pass --checkpoint FILE"));
  }

  /** Reads a checkpoint; a file that is not one gives a message saying so. */
  public static Checkpoint load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("checkpoint " + file.toAbsolutePath()
          + " does not exist; train first (e.g. scripts/task sync-sgd) or pass --checkpoint FILE");
    }
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      return read(in, true);
    } catch (EOFException e) {
      throw new IllegalArgumentException("checkpoint " + file.toAbsolutePath() + " is truncated: it ends after "
          + file.toFile().length() + " bytes, in the middle of its data, so it is corrupt (a copy cut short, or a"
          + " full disk); delete it and use another checkpoint", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read checkpoint " + file.toAbsolutePath() + " (" + e.getMessage()
          + "); is it a file written by a DDL training task?", e);
    }
  }

  private static int epochOf(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(2)) : -1;
  }

  private static void write(DataOutputStream out, Checkpoint c) throws IOException {
    out.writeBytes(MAGIC);
    out.writeUTF(c.task());
    out.writeInt(c.epochsDone());
    Map<String, String> settings = new TreeMap<>(c.settings());
    out.writeInt(settings.size());
    for (Map.Entry<String, String> e : settings.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    out.writeInt(c.names().length);
    for (int t = 0; t < c.names().length; t++) {
      out.writeUTF(c.names()[t]);
      out.writeInt(c.shapes()[t].length);
      for (int d : c.shapes()[t]) {
        out.writeInt(d);
      }
      writeFloats(out, c.weights()[t]);
      writeFloats(out, c.velocity()[t]);
    }
    out.writeInt(c.history().size());
    for (EpochStats s : c.history()) {
      s.write(out);
    }
  }

  private static String readStart(DataInputStream in) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length());
    String start = new String(magic, java.nio.charset.StandardCharsets.US_ASCII);
    if (magic.length < MAGIC.length() && MAGIC.startsWith(start)) {
      throw new EOFException();
    }
    if (!start.equals(MAGIC)) {
      throw new IOException("it does not start with " + MAGIC);
    }
    return in.readUTF();
  }

  private static Map<String, String> readSettings(DataInputStream in) throws IOException {
    int settingCount = in.readInt();
    Map<String, String> settings = new TreeMap<>();
    for (int i = 0; i < settingCount; i++) {
      settings.put(in.readUTF(), in.readUTF());
    }
    return settings;
  }

  private static int readTensorCount(DataInputStream in) throws IOException {
    int tensors = in.readInt();
    if (tensors < 0 || tensors > 10_000) {
      throw new IOException("it claims " + tensors + " tensors");
    }
    return tensors;
  }

  private static int[] readShape(DataInputStream in, String name) throws IOException {
    int rank = in.readInt();
    if (rank < 0 || rank > 8) {
      throw new IOException("tensor " + name + " claims rank " + rank);
    }
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) {
      shape[d] = in.readInt();
    }
    return shape;
  }

  /** Reads a checkpoint; without {@code values}, its tensors are skipped and left empty. */
  private static Checkpoint read(DataInputStream in, boolean values) throws IOException {
    String task = readStart(in);
    int epochs = in.readInt();
    Map<String, String> settings = readSettings(in);
    int tensors = readTensorCount(in);
    String[] names = new String[tensors];
    int[][] shapes = new int[tensors][];
    float[][] weights = new float[tensors][];
    float[][] velocity = new float[tensors][];
    for (int t = 0; t < tensors; t++) {
      names[t] = in.readUTF();
      shapes[t] = readShape(in, names[t]);
      long size = 1;
      for (int d : shapes[t]) {
        size *= d;
      }
      weights[t] = values ? readFloats(in, size) : skipFloats(in);
      velocity[t] = values ? readFloats(in, size) : skipFloats(in);
    }
    int historySize = in.readInt();
    List<EpochStats> history = new ArrayList<>();
    for (int i = 0; i < historySize; i++) {
      history.add(EpochStats.read(in));
    }
    return new Checkpoint(task, names, shapes, weights, velocity, epochs, history, settings);
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    out.write(bytes.array());
  }

  private static float[] skipFloats(DataInputStream in) throws IOException {
    in.skipNBytes(Math.max(0, (long) in.readInt() * Float.BYTES));
    return new float[0];
  }

  private static float[] readFloats(DataInputStream in, long expected) throws IOException {
    int n = in.readInt();
    if (n != expected || n < 0 || n > (Integer.MAX_VALUE - 8) / Float.BYTES) {
      throw new IOException("a tensor holds " + n + " values where its shape needs " + expected);
    }
    byte[] raw = in.readNBytes(n * Float.BYTES);
    if (raw.length != n * Float.BYTES) {
      throw new EOFException();
    }
    float[] values = new float[n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
