package ddl.master.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.onlyonmaster.Polynomial;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassReferencesTest {
  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void findsNestedParameterAndReturnTypes() throws IOException {
    Set<String> refs = ClassReferences.of(classFile(Polynomial.class));
    assertTrue(refs.contains("ddl.master.onlyonmaster.Polynomial$Origin"), refs.toString());
    assertTrue(refs.contains("ddl.transport.WorkerContext"), refs.toString());
    assertTrue(refs.contains("java.util.List"), refs.toString());
    assertTrue(refs.contains("java.lang.ArithmeticException"), refs.toString());
  }

  @Test
  void rejectsWhatIsNotAClassFile() {
    assertThrows(IllegalArgumentException.class, () -> ClassReferences.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
  }
}
