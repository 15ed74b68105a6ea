package ddl.train;

import ddl.train.driver.EpochStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a run's loss and accuracy against epoch and against wall time into one PNG (2 x 2 charts). */
public final class TrainingPlot {
  private TrainingPlot() {}

  /** Writes the plot to {@code file} and returns it. */
  public static Path save(List<EpochStats> history, String title, Path file) {
    double[] epochs = history.stream().mapToDouble(EpochStats::epoch).toArray();
    double[] wall = history.stream().mapToDouble(EpochStats::wallSeconds).toArray();
    double[] trainLoss = history.stream().mapToDouble(EpochStats::trainLoss).toArray();
    double[] testLoss = history.stream().mapToDouble(EpochStats::testLoss).toArray();
    double[] trainAcc = history.stream().mapToDouble(EpochStats::trainAccuracy).toArray();
    double[] testAcc = history.stream().mapToDouble(EpochStats::testAccuracy).toArray();
    List<XYChart> charts = List.of(
        chart(title + ": loss", "epoch", "loss", epochs, trainLoss, testLoss),
        chart(title + ": accuracy", "epoch", "accuracy", epochs, trainAcc, testAcc),
        chart("loss against time", "wall time (s)", "loss", wall, trainLoss, testLoss),
        chart("accuracy against time", "wall time (s)", "accuracy", wall, trainAcc, testAcc));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(charts, 2, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      // XChart adds the extension itself when the name lacks it.
      return file.toString().endsWith(".png") ? file : Path.of(file + ".png");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plot " + file.toAbsolutePath(), e);
    }
  }

  private static XYChart chart(String title, String x, String y, double[] xs, double[] train, double[] test) {
    XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setMarkerSize(6);
    c.addSeries("train", xs, train).setMarker(SeriesMarkers.CIRCLE);
    c.addSeries("test", xs, test).setMarker(SeriesMarkers.DIAMOND);
    return c;
  }
}
