package ddl.tasks.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits α (one for all links) and β (one per link) of a {@link CostModel} to measured points by least
 * squares on the relative error, so that a 5 ms step weighs as much as a 60 ms one. The ring's
 * overlap case of each point depends on α and β, so the fit repeats until no point changes case.
 */
public final class CostModelFit {
  private static final int ROUNDS = 50;

  private CostModelFit() {}

  /** The model that best explains {@code points}. */
  public static CostModel fit(List<Point> points, GradientLayout layout, double windowShare) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("no measured points to fit");
    }
    List<String> links = points.stream().map(Point::link).distinct().toList();
    double alpha = 1e-4;
    Map<String, Double> beta = new LinkedHashMap<>();
    links.forEach(l -> beta.put(l, 1e-9));
    String cases = "";
    for (int round = 0; round < ROUNDS; round++) {
      List<CostModel.Terms> terms = new ArrayList<>();
      StringBuilder now = new StringBuilder();
      for (Point p : points) {
        double b = beta.get(p.link()).isNaN() ? 0 : beta.get(p.link());
        CostModel.Terms t = CostModel.terms(layout, windowShare, p.allreduce(), p.workers(), p.compute(), p.master(),
            alpha, b);
        terms.add(t);
        now.append(t.fixed() < p.compute() + p.master() ? 'p' : 'h');
      }
      if (now.toString().equals(cases)) {
        break;
      }
      cases = now.toString();
      double[] x = solve(points, terms, links, true);
      if (x[0] < 0) {
        x = solve(points, terms, links, false);
      }
      alpha = x[0];
      for (int i = 0; i < links.size(); i++) {
        beta.put(links.get(i), x[i + 1]);
      }
    }
    return new CostModel(layout, windowShare, alpha, beta);
  }

  /** Relative error of the prediction for each point, (predicted − measured) / measured. */
  public static double[] relativeErrors(CostModel model, List<Point> points) {
    return points.stream().mapToDouble(p -> (model.predict(p) - p.step()) / p.step()).toArray();
  }

  /**
   * Weighted least squares for {@code [α, β_link...]} (α held at 0 unless {@code withAlpha}); a link
   * whose points move no bytes gets β = NaN.
   */
  private static double[] solve(List<Point> points, List<CostModel.Terms> terms, List<String> links,
      boolean withAlpha) {
    int k = links.size() + 1;
    boolean[] used = new boolean[k];
    used[0] = withAlpha;
    double[][] rows = new double[points.size()][k];
    double[] rhs = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      CostModel.Terms t = terms.get(i);
      int link = 1 + links.indexOf(p.link());
      rows[i][0] = withAlpha ? t.messages() / p.step() : 0;
      rows[i][link] = t.bytes() / p.step();
      used[link] |= t.bytes() > 0;
      rhs[i] = (p.step() - t.fixed()) / p.step();
    }
    double[] scale = new double[k]; // columns of messages (~10) and bytes (~1e6) brought to one size
    for (int a = 0; a < k; a++) {
      for (double[] row : rows) {
        scale[a] = Math.max(scale[a], Math.abs(row[a]));
      }
      scale[a] = scale[a] == 0 ? 1 : scale[a];
      for (double[] row : rows) {
        row[a] /= scale[a];
      }
    }
    double[][] normal = new double[k][k + 1];
    for (int i = 0; i < points.size(); i++) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          normal[a][b] += rows[i][a] * rows[i][b];
        }
        normal[a][k] += rows[i][a] * rhs[i];
      }
    }
    for (int a = 0; a < k; a++) {
      if (!used[a]) {
        Arrays.fill(normal[a], 0);
        normal[a][a] = 1; // the unknown stays 0
      }
    }
    double[] x = gauss(normal);
    for (int a = 0; a < k; a++) {
      x[a] /= scale[a];
    }
    for (int a = 1; a < k; a++) {
      if (!used[a]) {
        x[a] = Double.NaN;
      }
    }
    return x;
  }

  /** Solves the augmented system {@code m} (k rows, k + 1 columns) by elimination with partial pivoting. */
  static double[] gauss(double[][] m) {
    int k = m.length;
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      if (Math.abs(m[pivot][col]) < 1e-300) {
        throw new IllegalArgumentException("the points cannot separate the model's unknowns (column " + col
            + "); measure more worker counts or links");
      }
      double[] tmp = m[col];
      m[col] = m[pivot];
      m[pivot] = tmp;
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int c = col; c <= k; c++) {
            m[r][c] -= f * m[col][c];
          }
        }
      }
    }
    double[] x = new double[k];
    for (int r = 0; r < k; r++) {
      x[r] = m[r][k] / m[r][r];
    }
    return x;
  }
}
