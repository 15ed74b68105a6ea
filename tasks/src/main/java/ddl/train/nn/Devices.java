package ddl.train.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.lang.System.Logger.Level;
import java.util.Locale;

/** Turns a device name from the command line or a config into a device the engine has. */
final class Devices {

    private static final System.Logger LOG = System.getLogger(Devices.class.getName());

    private Devices() {}

    /**
     * Resolves {@code cpu}, {@code gpu} or {@code gpuN}. A GPU that the engine does not have falls back to the CPU.
     * Logs one line saying which device is used.
     */
    static Device resolve(String requested, Engine engine) {
        String name = requested == null ? "" : requested.strip().toLowerCase(Locale.ROOT);
        if (name.equals("cpu")) {
            LOG.log(Level.INFO, "Computing on the CPU with {0} {1}", engine.getEngineName(), engine.getVersion());
            return Device.cpu();
        }
        if (!name.matches("gpu[0-9]*")) {
            throw new IllegalArgumentException("Unknown device \"" + requested + "\"; use cpu, gpu or gpuN (N = 0, 1, ...)");
        }
        int index = name.length() == 3 ? 0 : Integer.parseInt(name.substring(3));
        int gpus = engine.getGpuCount();
        if (index >= gpus) {
            LOG.log(Level.WARNING, "Device {0} was requested but {1} {2} sees {3} GPU(s); computing on the CPU instead",
                    requested, engine.getEngineName(), engine.getVersion(), gpus);
            return Device.cpu();
        }
        LOG.log(Level.INFO, "Computing on GPU {0} with {1} {2}", index, engine.getEngineName(), engine.getVersion());
        return Device.gpu(index);
    }
}
