package ddl.transport;

import java.io.Serializable;

/** Code that runs on a worker with the session and two arguments; see {@link RemoteFunction}. */
@FunctionalInterface
public interface RemoteFunction2<A, B, R> extends Serializable {
  R apply(WorkerContext context, A a, B b) throws Exception;
}
