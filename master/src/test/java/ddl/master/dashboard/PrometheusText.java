package ddl.master.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: every line is
 * a {@code # HELP}, a {@code # TYPE} or a sample whose family was typed before it.
 */
final class PrometheusText {
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)( -?\\d+)?");
  private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");

  /** Family name to type. */
  final Map<String, String> types = new LinkedHashMap<>();
  /** Sample (name plus labels, as written) to value. */
  final Map<String, Double> samples = new LinkedHashMap<>();

  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.equals("# EOF")) {
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        p.types.put(type.group(1), type.group(2));
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        fail("not a Prometheus text line: " + line);
      }
      String name = m.group(1);
      assertNotNull(p.family(name), "sample before its # TYPE: " + line);
      String v = m.group(3);
      double value = switch (v) {
        case "NaN" -> Double.NaN;
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v);
      };
      p.samples.put(name + (m.group(2) == null ? "" : m.group(2)), value);
    }
    return p;
  }

  /** The family a sample name belongs to (histograms add _bucket, _count, _sum, _max...). */
  String family(String sample) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_max", "_created"}) {
      if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return null;
  }

  double value(String sample) {
    Double v = samples.get(sample);
    assertNotNull(v, "no sample " + sample + " in " + samples.keySet());
    return v;
  }

  /** Checks our own families: ddl_ prefix, lower snake case, counters end in _total, units spelled out. */
  void checkDdlConventions() {
    types.forEach((name, type) -> {
      if (!name.startsWith("ddl_")) {
        return;
      }
      assertTrue(name.matches("ddl_[a-z0-9]+(_[a-z0-9]+)*"), name + " is not lower snake case");
      assertEquals(type.equals("counter"), name.endsWith("_total"), name + " (" + type + "): only counters end in _total");
      assertTrue(!name.matches(".*_(ms|millis|milliseconds|kb|mb|kib|mib)(_.*)?"), name + " is not in base units");
    });
  }

  void requireType(String family, String type) {
    assertEquals(type, types.get(family), family + " in " + types);
  }
}
