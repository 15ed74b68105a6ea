/**
 * The training library: everything a training task main needs, in one place it calls down into.
 * Nothing here refers to the task mains ({@code ddl.tasks}); a test reads the compiled classes to
 * keep it so.
 *
 * <ul>
 *   <li>{@code ddl.train}: one run from its settings to its record. {@link ddl.train.TrainingRun}
 *       (the entry point), {@link ddl.train.TrainSettings} (the run's flags, a picocli mixin any
 *       task main can take), {@link ddl.train.CheckpointEvaluation}, progress on the console and in
 *       the event log, the run record and its plot.</li>
 *   <li>{@code replica}: the model replicas on a cluster's workers
 *       ({@link ddl.train.replica.ClusterReplicas} on the master, {@link ddl.train.replica.Replica}
 *       shipped to each worker), their data and the calls between them.</li>
 *   <li>{@code driver}: how steps are combined. Sync SGD through the master or in a ring, the
 *       parameter server with a staleness bound, model averaging, the training loop, learning-rate
 *       plans, lost and joining workers. Drivers see replicas only through
 *       {@link ddl.train.driver.Replicas}, so they run on anything that computes gradients.</li>
 *   <li>{@code ring}: the ring allreduce between workers.</li>
 *   <li>{@code checkpoint}: checkpoint files, one per epoch, and finding one to resume.</li>
 *   <li>{@code nn}: layers and models with hand-written backward passes (what workers compute).</li>
 *   <li>{@code data}: MNIST and Fashion-MNIST readers.</li>
 *   <li>{@code feed}: batches, preloaded or streamed from the master with credits, and
 *       augmentation.</li>
 *   <li>{@code export}: a checkpoint as NumPy arrays.</li>
 * </ul>
 *
 * <p>Layers refer downwards: {@code ddl.train} uses the rest; {@code replica} uses drivers,
 * feed, models and data; {@code checkpoint} uses {@code driver} and {@code nn}; {@code feed} uses
 * {@code data} and {@code nn}; {@code nn} and {@code data} use neither drivers nor a cluster.
 * {@code driver} and {@code ring} use each other (the ring driver runs the ring; the ring packs
 * pieces in the drivers' {@link ddl.train.driver.WireFormat}).
 */
package ddl.train;
