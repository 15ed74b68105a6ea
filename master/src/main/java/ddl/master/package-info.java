/**
 * The master's public API: {@link ddl.master.Cluster}, {@link ddl.master.ProxyWorker},
 * {@link ddl.master.ConnectOptions}, {@link ddl.master.MapOptions}, {@link ddl.master.Settled}
 * and {@link ddl.master.MapFailedException}, with the function types, {@code CallOptions},
 * {@code CallFuture}, {@code WorkerContext} and the exceptions of package {@code ddl.transport}.
 * Packages named {@code internal} and {@code ddl.transport.wire} are not API: they change without
 * notice. (Training is a library of the tasks module, package {@code ddl.train}; it uses this API.)
 *
 * <h2>Threads</h2>
 *
 * <p>Every thread DDL runs code on, and what may run there:
 *
 * <table>
 *   <caption>Where code runs</caption>
 *   <tr><th>thread</th><th>master</th><th>worker</th></tr>
 *   <tr><td>Vert.x event loop (one per connection, shared)</td>
 *       <td>reading and writing frames, decoding one-frame replies, completing call futures, so
 *           every callback of a DDL future ({@code onComplete}, {@code map}, {@code compose}...)
 *           runs here</td>
 *       <td>handshakes, heartbeats, reading frames, answering {@code ping}, {@code stats} and
 *           {@code keys}, mailbox deliveries, timers (deadlines, named-session expiry)</td></tr>
 *   <tr><td>virtual threads</td>
 *       <td>decoding a reply that spans several frames</td>
 *       <td>decoding a request that spans several frames; defining shipped classes; {@code put},
 *           {@code get}, {@code remove}, {@code reset}; closing a session's objects when it ends
 *           (a stored object's {@code close()} runs here)</td></tr>
 *   <tr><td>platform threads {@code ddl-call-N}</td>
 *       <td>(none)</td>
 *       <td>user code: every function and method call, on a fixed pool of four per core (at
 *           least eight), plus one for each call that ignores its cancellation while it runs</td></tr>
 *   <tr><td>the caller's thread</td>
 *       <td>a task main and whatever it {@code await()}s; {@link ddl.master.Cluster#close()}</td>
 *       <td></td></tr>
 * </table>
 *
 * <p>The rules that follow:
 * <ul>
 *   <li>The event loop never blocks and never runs user code. {@code Future.await()} throws there
 *       (Vert.x checks it), and so do DDL's own blocking calls ({@link ddl.master.Cluster#close()},
 *       a stored object's {@code close()}, a user call), with a message that names the event loop;
 *       so await in a task main's thread or a virtual thread, and in a callback chain with
 *       {@code compose} instead.</li>
 *   <li>A user call that is cancelled (deadline, {@code CallFuture.cancel()}, its connection
 *       closed) has its {@code ddl-call} thread interrupted. Code that never blocks and never
 *       looks at the interrupt cannot be stopped: long loops should call
 *       {@code WorkerContext.checkCancelled()} now and then. A call that ignores its cancellation
 *       for {@code transport.runaway_grace_seconds} makes the worker exit for a restart.</li>
 *   <li>Calls may be made from any thread; on an event loop a call beyond
 *       {@code transport.max_in_flight} is queued rather than waited for.</li>
 * </ul>
 */
package ddl.master;
