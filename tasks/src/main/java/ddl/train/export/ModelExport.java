package ddl.train.export;

import com.google.gson.GsonBuilder;
import ddl.train.nn.LayerSpec;
import ddl.train.nn.ModelSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a model for NumPy: an {@code .npz} (a zip of {@code .npy} files, as {@code numpy.savez} makes) with one
 * float32 array per parameter under its name ({@code conv0.kernel} [kh, kw, in, out], {@code conv0.bias} [out],
 * {@code dense0.weight} [in, out], {@code dense0.bias} [out]), and beside it a JSON file that lists the layers in
 * order with the parameters each uses. Inputs are NHWC images scaled to [0, 1]; flatten is row-major over (height,
 * width, channel); convolution is cross-correlation, stride 1, no padding; the output is logits.
 */
public final class ModelExport {
  /** The value of the JSON's {@code format} field. */
  public static final String FORMAT = "ddl-model-1";

  private ModelExport() {}

  /** Where the files went. */
  public record Written(Path npz, Path json) {}

  /**
   * Writes {@code npz} and the JSON next to it (same name, {@code .json}).
   *
   * @param spec the model
   * @param names the parameter names, which must be the spec's
   * @param shapes their shapes
   * @param values their values, row-major
   * @param about extra fields for the JSON (source checkpoint, data set...), or none
   */
  public static Written write(Path npz, ModelSpec spec, String[] names, int[][] shapes, float[][] values,
      Map<String, Object> about) {
    spec.requireLayout(names, shapes);
    Path json = sibling(npz, ".json");
    try {
      Path parent = npz.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = parent.resolve(npz.getFileName() + ".tmp");
      try (OutputStream file = Files.newOutputStream(tmp);
          ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
        for (int i = 0; i < names.length; i++) {
          zip.putNextEntry(new ZipEntry(names[i] + ".npy"));
          Npy.write(zip, values[i], shapes[i]);
          zip.closeEntry();
        }
      }
      Files.move(tmp, npz, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(json, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
          .toJson(describe(spec, npz.getFileName().toString(), about)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + npz.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return new Written(npz, json);
  }

  /** Returns {@code file} with its extension replaced by {@code extension}. */
  public static Path sibling(Path file, String extension) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
  }

  /** Returns the architecture as JSON-ready maps and lists. */
  static Map<String, Object> describe(ModelSpec spec, String npzName, Map<String, Object> about) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("format", FORMAT);
    d.put("model", spec.toString());
    d.put("weights", npzName);
    d.put("input_shape", spec.inputShape());
    d.put("input", "NHWC rows (batch, height, width, channels), pixels scaled to [0, 1]");
    d.put("classes", spec.classes());
    d.put("output", "logits; softmax over them gives class probabilities");
    List<Map<String, Object>> layers = new ArrayList<>();
    List<ModelSpec.Parameter> params = spec.parameters();
    int p = 0;
    for (int i = 0; i < spec.layers().size(); i++) {
      Map<String, Object> l = new LinkedHashMap<>();
      switch (spec.layers().get(i)) {
        case LayerSpec.Conv2D c -> {
          l.put("type", "conv2d");
          l.put("filters", c.filters());
          l.put("kernel_size", c.kernel());
          l.put("stride", 1);
          l.put("padding", "valid");
          l.put("kernel", params.get(p++).name());
          l.put("bias", params.get(p++).name());
          l.put("note", "cross-correlation: y[n,i,j,f] = bias[f] + sum over a,b,c of x[n,i+a,j+b,c] kernel[a,b,c,f]");
        }
        case LayerSpec.Dense dense -> {
          l.put("type", "dense");
          l.put("units", dense.units());
          l.put("weight", params.get(p++).name());
          l.put("bias", params.get(p++).name());
          l.put("note", "y = x @ weight + bias");
        }
        case LayerSpec.MaxPool2D m -> {
          l.put("type", "max_pool2d");
          l.put("pool_size", m.size());
          l.put("stride", m.size());
          l.put("note", "a trailing row or column that does not fill a window is dropped");
        }
        case LayerSpec.Relu r -> l.put("type", "relu");
        case LayerSpec.Flatten f -> {
          l.put("type", "flatten");
          l.put("note", "row-major over (height, width, channels)");
        }
        case LayerSpec.Dropout drop -> {
          l.put("type", "dropout");
          l.put("rate", drop.rate());
          l.put("note", "training only: the identity at inference");
        }
        case LayerSpec.Custom custom -> {
          l.put("type", "custom");
          l.put("token", custom.token());
          l.put("class", custom.getClass().getName());
          int n = custom.parameterShapes(spec.shapeBefore(i)).size();
          List<String> names = new ArrayList<>();
          for (int j = 0; j < n; j++) {
            names.add(params.get(p++).name());
          }
          l.put("parameters", names);
          l.put("note", "defined by the task class named here; its computation is not described");
        }
      }
      l.put("output_shape", spec.shapeBefore(i + 1));
      layers.add(l);
    }
    d.put("layers", layers);
    List<Map<String, Object>> arrays = new ArrayList<>();
    for (ModelSpec.Parameter param : params) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("name", param.name());
      a.put("shape", param.shape());
      a.put("layout", param.isBias() ? "[out]" : param.shape().length == 4 ? "[kh, kw, in, out]" : "[in, out]");
      arrays.add(a);
    }
    d.put("parameters", arrays);
    d.put("dtype", "float32");
    d.putAll(about);
    return d;
  }
}
