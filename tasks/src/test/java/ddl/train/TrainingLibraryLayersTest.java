package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The training library is one home that task mains call down into: nothing in {@code ddl.train}
 * refers to a task main's package, and its layers refer only downwards. Read from the compiled
 * classes' constant pools, so a reference in any form (import, full name, lambda) counts.
 */
class TrainingLibraryLayersTest {
  private static final Pattern REFERENCE = Pattern.compile("ddl/[a-z/]+(?=/[A-Z])");
  /** Package of the library -> the DDL packages its classes refer to. */
  private static final Map<String, Set<String>> USES = new TreeMap<>();

  @BeforeAll
  static void readClasses() throws IOException, URISyntaxException {
    Path classes = Path.of(TrainingRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path library = classes.resolve("ddl/train");
    try (Stream<Path> files = Files.walk(library)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String pkg = classes.relativize(file.getParent()).toString().replace('/', '.');
        Set<String> uses = USES.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        while (m.find()) {
          String used = m.group().replace('/', '.');
          if (!used.equals(pkg)) {
            uses.add(used);
          }
        }
      }
    }
    assertTrue(USES.keySet().containsAll(Set.of("ddl.train", "ddl.train.driver", "ddl.train.replica", "ddl.train.nn", "ddl.train.feed")),
        "the library's packages were not found under " + library + ": " + USES.keySet());
  }

  @Test
  void nothingInTheLibraryCallsUpIntoTaskMains() {
    assertEquals(Map.of(), offenders(used -> used.startsWith("ddl.tasks")));
  }

  @Test
  void subpackagesNeverReachUpToTheRun() {
    assertEquals(Map.of(), offenders((pkg, used) -> !pkg.equals("ddl.train") && used.equals("ddl.train")));
  }

  @Test
  void modelsAndDataStandAlone() {
    // Layers, models and data readers are what workers compute with: no drivers, no cluster.
    assertEquals(Map.of(), offenders((pkg, used) -> Set.of("ddl.train.nn", "ddl.train.data").contains(pkg)
        && !Set.of("ddl.train.nn", "ddl.train.data", "ddl.transport").contains(used)));
  }

  @Test
  void driversKnowReplicasOnlyThroughTheirInterface() {
    // Drivers and the ring never hold a Cluster: a run hands them its replicas.
    assertEquals(Map.of(), offenders((pkg, used) -> Set.of("ddl.train.driver", "ddl.train.ring").contains(pkg)
        && !Set.of("ddl.train.driver", "ddl.train.ring", "ddl.transport").contains(used)));
  }

  @Test
  void onlyTheRunAndTheReplicasHoldACluster() {
    assertEquals(Map.of(), offenders((pkg, used) -> used.startsWith("ddl.master")
        && !Set.of("ddl.train", "ddl.train.replica").contains(pkg)));
  }

  private static Map<String, Set<String>> offenders(java.util.function.Predicate<String> forbidden) {
    return offenders((pkg, used) -> forbidden.test(used));
  }

  private static Map<String, Set<String>> offenders(java.util.function.BiPredicate<String, String> forbidden) {
    Map<String, Set<String>> found = new TreeMap<>();
    USES.forEach((pkg, uses) -> uses.stream().filter(used -> forbidden.test(pkg, used))
        .forEach(used -> found.computeIfAbsent(pkg, k -> new TreeSet<>()).add(used)));
    return found;
  }
}
