package ddl.transport;

import java.io.Serializable;

/** Code that runs on a worker with no argument; see {@link RemoteFunction}. */
@FunctionalInterface
public interface RemoteCall<R> extends Serializable {
  R call(WorkerContext context) throws Exception;
}
