package ddl.master.reliability;

import ddl.master.ProxyWorker;

/** Reads a worker's heap after a full collection, to check that nothing piled up. */
final class HeapProbe {
  private HeapProbe() {}

  static long usedAfterGc(ProxyWorker worker) {
    return worker.call(ctx -> {
      System.gc();
      Thread.sleep(100);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      return rt.totalMemory() - rt.freeMemory();
    }).await();
  }
}
