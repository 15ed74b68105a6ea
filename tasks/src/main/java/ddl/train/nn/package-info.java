/**
 * Models built from layers with hand-written backward passes, computed by DJL's TensorFlow engine.
 *
 * <ul>
 *   <li>{@link ddl.train.nn.ModelSpec}: a model as data (input shape, {@link ddl.train.nn.LayerSpec} records),
 *       with its parameters' names, shapes and order, seeded He initialisation, and a text form such as
 *       {@code 28x28x1:conv32x3-relu-pool2-conv64x3-relu-flatten-dense64-relu-dense10} (presets {@code mlp},
 *       {@code cnn}). Checkpoints store that text under {@link ddl.train.nn.ModelSpec#SETTING}.</li>
 *   <li>{@link ddl.train.nn.ModelCompute}: what a worker calls. Weights are one {@code float[]} per parameter;
 *       images are rows of {@code features} floats, NHWC for images. {@code gradient} hands each parameter's
 *       gradient to a {@link ddl.train.nn.GradientSink} as soon as it is read back, last layer first;
 *       {@code evaluate} and {@code topK} run without dropout.</li>
 *   <li>{@link ddl.train.nn.Sequential} and the {@link ddl.train.nn.Layer}s it composes; each layer calls
 *       TensorFlow ops by name ({@link ddl.train.nn.TfOp}), so a whole step is queued without waiting.</li>
 *   <li>{@link ddl.train.nn.MlpCompute}, {@link ddl.train.nn.MlpSpec}, {@link ddl.train.nn.ModelWeights}: the
 *       MLP-only front kept for callers written before model specs.</li>
 * </ul>
 */
package ddl.train.nn;
