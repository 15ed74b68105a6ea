package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;

/**
 * One TensorFlow operation called by name, such as {@code Conv2D} or {@code MatMul}, through DJL's eager op
 * executor ({@code TfNDManager.opExecutor}), with inputs and attributes as TensorFlow's op registry defines them.
 *
 * <p>DJL's own NDArray methods ask for shapes on the way (to check ranks, to build axis lists), and in TensorFlow's
 * asynchronous eager mode a shape is only known once the op that makes it has run: each such call waits for all
 * work queued before it. Ops built here never ask, so a whole forward and backward pass is queued at once and a
 * caller waits only when it reads a result back. DJL keeps its executor class package-private; its public methods
 * are reached by reflection, which DDL's classpath (unnamed modules) allows.
 *
 * <pre>{@code
 * NDArray y = TfOp.of(manager, "MatMul").input(x).input(w).attr("transpose_b", true).build();
 * }</pre>
 *
 * <p>Outputs belong to {@code manager}. An instance runs once: {@link #build} executes it.
 */
public final class TfOp {

    private static final MethodHandle OP_EXECUTOR;
    private static final MethodHandle ADD_INPUT;
    private static final MethodHandle ADD_INPUT_LIST;
    private static final MethodHandle ATTR_STRING;
    private static final MethodHandle ATTR_LONG;
    private static final MethodHandle ATTR_LONGS;
    private static final MethodHandle ATTR_BOOLEAN;
    private static final MethodHandle ATTR_FLOAT;
    private static final MethodHandle ATTR_TYPE;
    private static final MethodHandle BUILD_ONE;
    private static final MethodHandle BUILD_MANY;

    static {
        try {
            Class<?> manager = Class.forName("ai.djl.tensorflow.engine.TfNDManager");
            Class<?> executor = Class.forName("ai.djl.tensorflow.engine.TfOpExecutor");
            OP_EXECUTOR = handle(manager, "opExecutor", String.class);
            ADD_INPUT = handle(executor, "addInput", NDArray.class);
            ADD_INPUT_LIST = handle(executor, "addInputList", NDArray[].class);
            ATTR_STRING = handle(executor, "addParam", String.class, String.class);
            ATTR_LONG = handle(executor, "addParam", String.class, long.class);
            ATTR_LONGS = handle(executor, "addParam", String.class, long[].class);
            ATTR_BOOLEAN = handle(executor, "addParam", String.class, boolean.class);
            ATTR_FLOAT = handle(executor, "addParam", String.class, float.class);
            ATTR_TYPE = handle(executor, "addParam", String.class, DataType.class);
            BUILD_ONE = handle(executor, "buildSingletonOrThrow");
            BUILD_MANY = handle(executor, "build", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(new IllegalStateException(
                    "DJL's TensorFlow engine no longer has the op executor DDL calls (TfNDManager.opExecutor, "
                            + "TfOpExecutor); use the DJL version of DDL's pom.xml: " + e, e));
        }
    }

    private final Object executor;

    private TfOp(Object executor) {
        this.executor = executor;
    }

    private static MethodHandle handle(Class<?> owner, String name, Class<?>... parameters)
            throws ReflectiveOperationException {
        Method m = owner.getMethod(name, parameters);
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }

    /** Starts TensorFlow operation {@code name} on {@code manager}'s device; outputs belong to {@code manager}. */
    public static TfOp of(NDManager manager, String name) {
        return new TfOp(call(() -> OP_EXECUTOR.invoke(manager, name)));
    }

    /** Adds the next input. */
    public TfOp input(NDArray x) {
        call(() -> ADD_INPUT.invoke(executor, x));
        return this;
    }

    /** Adds the next input as a list of tensors (for ops such as {@code ConcatV2}). */
    public TfOp inputs(NDArray... xs) {
        call(() -> ADD_INPUT_LIST.invoke(executor, xs));
        return this;
    }

    /** Sets a string attribute, such as {@code padding = "VALID"}. */
    public TfOp attr(String name, String value) {
        call(() -> ATTR_STRING.invoke(executor, name, value));
        return this;
    }

    /** Sets an integer attribute. */
    public TfOp attr(String name, long value) {
        call(() -> ATTR_LONG.invoke(executor, name, value));
        return this;
    }

    /** Sets an integer list attribute, such as {@code strides = [1, 1, 1, 1]}. */
    public TfOp attr(String name, long... values) {
        call(() -> ATTR_LONGS.invoke(executor, name, values));
        return this;
    }

    /** Sets a boolean attribute. */
    public TfOp attr(String name, boolean value) {
        call(() -> ATTR_BOOLEAN.invoke(executor, name, value));
        return this;
    }

    /** Sets a float attribute. */
    public TfOp attr(String name, float value) {
        call(() -> ATTR_FLOAT.invoke(executor, name, value));
        return this;
    }

    /** Sets a type attribute, such as {@code dtype}. */
    public TfOp attr(String name, DataType value) {
        call(() -> ATTR_TYPE.invoke(executor, name, value));
        return this;
    }

    /** Queues the op and returns its single output. */
    public NDArray build() {
        return (NDArray) call(() -> BUILD_ONE.invoke(executor));
    }

    /** Queues the op and returns its {@code outputs} outputs. */
    public NDArray[] build(int outputs) {
        return (NDArray[]) call(() -> BUILD_MANY.invoke(executor, outputs));
    }

    private interface Invocation {
        Object run() throws Throwable;
    }

    private static Object call(Invocation invocation) {
        try {
            return invocation.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
