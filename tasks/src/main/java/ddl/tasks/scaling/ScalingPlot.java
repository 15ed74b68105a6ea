package ddl.tasks.scaling;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One PNG of two charts: measured step time (markers) beside the model's prediction (lines) for each
 * link and allreduce, and the projected scaling efficiency against N on faster networks.
 */
public final class ScalingPlot {
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

  private ScalingPlot() {}

  /** Writes the plot to {@code file} and returns it. */
  public static Path save(List<RunFigures> measured, CostModel model, List<Projection> projected,
      double target, Path file) {
    XYChart steps = new XYChartBuilder().width(820).height(480).title("step time: measured (dots), model (diamonds)")
        .xAxisTitle("workers N").yAxisTitle("ms per step").build();
    steps.getStyler().setYAxisMin(0.0);
    steps.getStyler().setMarkerSize(8);
    steps.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    int[] next = {0};
    measured.stream().filter(f -> f.point().workers() > 1).map(f -> f.point().link() + " " + f.point().allreduce())
        .distinct().forEach(name -> {
          List<Point> pts = measured.stream().map(RunFigures::point).filter(p -> p.workers() > 1)
              .filter(p -> (p.link() + " " + p.allreduce()).equals(name)).toList();
          double[] n = pts.stream().mapToDouble(Point::workers).toArray();
          XYSeries m = steps.addSeries(name + " measured", n, pts.stream().mapToDouble(p -> p.step() * 1e3).toArray());
          m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
          m.setMarker(SeriesMarkers.CIRCLE);
          Color color = COLORS[next[0]++ % COLORS.length];
          m.setMarkerColor(color);
          XYSeries p = steps.addSeries(name + " model", n, pts.stream().mapToDouble(q -> model.predict(q) * 1e3)
              .toArray());
          p.setMarker(SeriesMarkers.DIAMOND);
          p.setMarkerColor(color);
          p.setLineColor(color);
          p.setLineStyle(SeriesLines.DASH_DASH);
        });

    XYChart eff = new XYChartBuilder().width(820).height(480).title("projected scaling efficiency T(1)/T(N)")
        .xAxisTitle("workers N").yAxisTitle("efficiency").build();
    // x is log2(N), labelled with N at whole powers of two
    eff.getStyler().setxAxisTickLabelsFormattingFunction(x -> Math.abs(x - Math.rint(x)) < 1e-9
        ? Long.toString(Math.round(Math.pow(2, x))) : "");
    eff.getStyler().setYAxisMin(0.0);
    eff.getStyler().setYAxisMax(1.0);
    eff.getStyler().setMarkerSize(6);
    eff.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    int[] line = {0};
    projected.stream().map(p -> p.network() + " " + p.allreduce()).distinct().forEach(name -> {
      List<Projection> ps = projected.stream().filter(p -> (p.network() + " " + p.allreduce()).equals(name)).toList();
      Color color = COLORS[line[0]++ % COLORS.length];
      double[] log2n = ps.stream().mapToDouble(p -> Math.log(p.workers()) / Math.log(2)).toArray();
      XYSeries fitted = eff.addSeries(name + ", α fitted", log2n,
          ps.stream().mapToDouble(Projection::efficiency).toArray());
      fitted.setMarker(SeriesMarkers.CIRCLE);
      fitted.setMarkerColor(color);
      fitted.setLineColor(color);
      if (name.endsWith(" " + Allreduce.RING)) {
        XYSeries kernel = eff.addSeries(name + ", α = RTT/2", log2n,
            ps.stream().mapToDouble(Projection::efficiencyAtKernelLatency).toArray());
        kernel.setMarker(SeriesMarkers.NONE);
        kernel.setLineColor(color);
        kernel.setLineStyle(SeriesLines.DASH_DASH);
      }
    });
    double[] ends = {Math.log(projected.stream().mapToInt(Projection::workers).min().orElse(2)) / Math.log(2),
        Math.log(projected.stream().mapToInt(Projection::workers).max().orElse(64)) / Math.log(2)};
    XYSeries t = eff.addSeries("target " + Math.round(target * 100) + " %", ends, new double[] {target, target});
    t.setMarker(SeriesMarkers.NONE);
    t.setLineStyle(SeriesLines.DOT_DOT);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(List.of(steps, eff), 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      return file.toString().endsWith(".png") ? file : Path.of(file + ".png");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plot " + file.toAbsolutePath(), e);
    }
  }
}
