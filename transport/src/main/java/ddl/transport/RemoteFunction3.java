package ddl.transport;

import java.io.Serializable;

/** Code that runs on a worker with the session and three arguments; see {@link RemoteFunction}. */
@FunctionalInterface
public interface RemoteFunction3<A, B, C, R> extends Serializable {
  R apply(WorkerContext context, A a, B b, C c) throws Exception;
}
