package ddl.train.driver;

import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates the model on the whole test set, one slice per worker of the run, each on a replica's
 * own weights (the replicas agree): a live worker evaluates its own slice, a lost worker's slice
 * goes to a live one (round robin). A worker lost
 * while evaluating is marked so and its slices move to another; a worker's own failure is thrown.
 */
public final class TestSetEvaluation {
  private TestSetEvaluation() {}

  /** The loss and accuracy over every slice; {@code when} names the moment in loss log lines. */
  public static Evaluation run(Replicas replicas, LiveWorkers workers, String when) {
    List<Integer> remaining = new ArrayList<>();
    for (int slice = 0; slice < workers.size(); slice++) {
      remaining.add(slice);
    }
    Evaluation sum = Evaluation.EMPTY;
    while (!remaining.isEmpty()) {
      int[] live = workers.live();
      List<Integer> on = new ArrayList<>(remaining.size());
      List<Future<Evaluation>> pending = new ArrayList<>(remaining.size());
      int next = 0;
      for (int slice : remaining) {
        int evaluator = workers.isLive(slice) ? slice : live[next++ % live.length];
        on.add(evaluator);
        pending.add(replicas.evaluateSlice(evaluator, slice));
      }
      Replies.settle(pending);
      List<Integer> again = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        Future<Evaluation> f = pending.get(i);
        if (f.succeeded()) {
          sum = sum.plus(f.result());
        } else if (f.cause() instanceof WorkerUnavailableException e) {
          workers.lose(on.get(i), when, e);
          again.add(remaining.get(i));
        } else {
          throw Replies.rethrow(f.cause());
        }
      }
      remaining = again;
    }
    return sum;
  }
}
