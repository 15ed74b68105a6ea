package ddl.transport.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Writes a serializable lambda as its {@link SerializedLambda} form and rebuilds it through the
 * capturing class's own {@code $deserializeLambda$}, which the compiler generates and which checks
 * that the lambda really exists there. Needs no access to JDK internals.
 */
final class LambdaSerializer extends Serializer<Object> {
  private static final ClassValue<Method> WRITE_REPLACE = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      try {
        Method m = type.getDeclaredMethod("writeReplace");
        m.setAccessible(true);
        return m;
      } catch (NoSuchMethodException e) {
        throw new KryoException(type.getName() + " is not a serializable lambda: declare it as RemoteCall or"
            + " RemoteFunction");
      }
    }
  };
  private static final ClassValue<Method> DESERIALIZE = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      try {
        Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
        m.setAccessible(true);
        return m;
      } catch (NoSuchMethodException e) {
        throw new KryoException(type.getName() + " declares no serializable lambdas");
      }
    }
  };

  @Override
  public void write(Kryo kryo, Output output, Object lambda) {
    SerializedLambda form;
    try {
      form = (SerializedLambda) WRITE_REPLACE.get(lambda.getClass()).invoke(lambda);
    } catch (ReflectiveOperationException e) {
      throw new KryoException("cannot serialize lambda " + lambda.getClass().getName(), e);
    }
    Class<?> capturing;
    try {
      capturing = Class.forName(form.getCapturingClass().replace('/', '.'), false, lambda.getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new KryoException("capturing class of a lambda not found: " + form.getCapturingClass(), e);
    }
    kryo.writeClass(output, capturing);
    output.writeString(form.getFunctionalInterfaceClass());
    output.writeString(form.getFunctionalInterfaceMethodName());
    output.writeString(form.getFunctionalInterfaceMethodSignature());
    output.writeVarInt(form.getImplMethodKind(), true);
    output.writeString(form.getImplClass());
    output.writeString(form.getImplMethodName());
    output.writeString(form.getImplMethodSignature());
    output.writeString(form.getInstantiatedMethodType());
    output.writeVarInt(form.getCapturedArgCount(), true);
    for (int i = 0; i < form.getCapturedArgCount(); i++) {
      Object value = form.getCapturedArg(i);
      try {
        kryo.writeClassAndObject(output, value);
      } catch (KryoException | IllegalArgumentException | UnsupportedOperationException e) {
        throw new WireErrors.Explained("the lambda in " + capturing.getName() + "." + enclosingMethod(form)
            + " captures " + capturedName(capturing, form, i) + " of type "
            + (value == null ? "null" : value.getClass().getName()) + ", which cannot be sent ("
            + WireErrors.explain(e) + "); capture only what the worker needs, or make it a parameter", e);
      }
    }
  }

  /** The method a lambda was written in, from its implementation's name ({@code lambda$main$0}). */
  private static String enclosingMethod(SerializedLambda form) {
    String[] parts = form.getImplMethodName().split("\\$");
    return parts.length >= 2 && parts[0].equals("lambda") ? parts[1] : form.getImplMethodName();
  }

  /** The name of captured value {@code i}: the enclosing instance, a parameter name when compiled with them, or its position. */
  private static String capturedName(Class<?> capturing, SerializedLambda form, int i) {
    boolean instance = form.getImplMethodKind() != java.lang.invoke.MethodHandleInfo.REF_invokeStatic;
    if (instance && i == 0) {
      return "'this' (the enclosing " + capturing.getSimpleName() + ")";
    }
    int parameter = instance ? i - 1 : i;
    for (java.lang.reflect.Method m : capturing.getDeclaredMethods()) {
      if (m.getName().equals(form.getImplMethodName()) && m.getParameterCount() > parameter
          && m.getParameters()[parameter].isNamePresent()) {
        return "variable '" + m.getParameters()[parameter].getName() + "'";
      }
    }
    return "value " + (parameter + 1);
  }

  @Override
  public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
    Class<?> capturing = kryo.readClass(input).getType();
    String interfaceClass = input.readString();
    String interfaceMethod = input.readString();
    String interfaceSignature = input.readString();
    int implKind = input.readVarInt(true);
    String implClass = input.readString();
    String implMethod = input.readString();
    String implSignature = input.readString();
    String instantiatedType = input.readString();
    int count = input.readVarInt(true);
    if (count < 0 || count > 255) {
      throw new KryoException("a lambda cannot capture " + count + " values");
    }
    Object[] captured = new Object[count];
    for (int i = 0; i < count; i++) {
      captured[i] = kryo.readClassAndObject(input);
    }
    SerializedLambda form = new SerializedLambda(capturing, interfaceClass, interfaceMethod, interfaceSignature,
        implKind, implClass, implMethod, implSignature, instantiatedType, captured);
    try {
      return DESERIALIZE.get(capturing).invoke(null, form);
    } catch (InvocationTargetException e) {
      throw new KryoException("lambda " + implClass + "." + implMethod + " cannot be rebuilt on this side: "
          + e.getCause(), e.getCause());
    } catch (IllegalAccessException e) {
      throw new KryoException("cannot rebuild lambda of " + capturing.getName(), e);
    }
  }
}
