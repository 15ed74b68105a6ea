package ddl.transport;

import java.io.Serializable;

/**
 * Code that runs on a worker with one argument: a serializable lambda or method reference whose
 * classes the master ships.
 */
@FunctionalInterface
public interface RemoteFunction<A, R> extends Serializable {
  R apply(WorkerContext context, A argument) throws Exception;
}
