package ddl.worker;

import ai.djl.engine.Engine;
import java.util.logging.Logger;

/** Loads DJL's TensorFlow engine once at start-up and logs which device this worker computes on. */
final class EngineInfo {
  private static final Logger LOG = Logger.getLogger(EngineInfo.class.getName());

  private EngineInfo() {}

  static void logDevice(String worker, String requested) {
    long start = System.nanoTime();
    try {
      Engine engine = Engine.getEngine("TensorFlow");
      int gpus = engine.getGpuCount();
      String device = "gpu".equals(requested) && gpus > 0 ? "gpu(0)" : "cpu";
      String note = "gpu".equals(requested) && gpus == 0 ? " (--gpu given but no GPU is visible to TensorFlow)" : "";
      LOG.info("worker " + worker + ": computes on " + device + note + ", TensorFlow " + engine.getVersion()
          + " loaded in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    } catch (Throwable e) {
      LOG.warning("worker " + worker + ": the TensorFlow engine did not load (" + e.getMessage()
          + "); training calls will fail. Set TENSORFLOW_LIBRARY_PATH to the unpacked native library"
          + " (scripts/start does) or run 'mvn package' once to unpack it");
    }
  }
}
