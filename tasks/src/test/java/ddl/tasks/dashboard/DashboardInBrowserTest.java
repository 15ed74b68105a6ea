package ddl.tasks.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.master.dashboard.Dashboard;
import ddl.tasks.TaskSyncSgd;
import ddl.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in headless Chromium against two real workers and a real training run: both
 * workers show up, the loss curve gains points while the task trains, a worker killed with
 * {@code kill -9} shows as down, and the page logs no error. Screenshots go to
 * {@code target/screenshots}. Skipped, saying so, only where Chromium is not installed
 * ({@code scripts/test} installs Debian's).
 */
class DashboardInBrowserTest {
  private static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();

  @Test
  void thePageShowsTheWorkersTheGrowingCurveAndAKilledWorker(@TempDir Path dir) throws Exception {
    Path chromium = Chromium.binary().orElse(null);
    assumeTrue(chromium != null, "Chromium is not installed, so the dashboard's browser test is skipped: "
        + "run scripts/test (which installs it) or apt-get install chromium, or set DDL_CHROMIUM to its binary");
    Path runs = Files.createDirectories(dir.resolve("runs"));
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      Dashboard dashboard = Dashboard.start(workers.config(), runs, "127.0.0.1", 0, 250).await();
      try (Chromium browser = Chromium.launch(chromium, Files.createDirectories(dir.resolve("profile")), 1400, 1500)) {
        browser.open("http://127.0.0.1:" + dashboard.port() + "/");
        browser.awaitTrue("document.querySelectorAll('#workers tr[data-state=up]').length === 2", 30_000,
            "both workers shown up");
        assertEquals("live", browser.eval("document.getElementById('live').dataset.state"));

        CompletableFuture<TrainingResult> training = CompletableFuture.supplyAsync(() -> TaskSyncSgd.run(new String[] {
            "--config", workers.configFile().toString(), "--epochs", "1", "--batch", "32", "--train-rows", "4000",
            "--test-rows", "500", "--no-progress", "--runs", runs.toString(), "--models",
            dir.resolve("models").toString()}));
        String points = "Number(document.getElementById('loss-chart').dataset.points)";
        browser.awaitTrue(points + " >= 5 && document.getElementById('run').dataset.status === 'running'", 90_000,
            "the running task's loss curve has points");
        long first = ((Number) browser.eval(points)).longValue();
        browser.awaitTrue(points + " > " + first + " && document.getElementById('run').dataset.status === 'running'",
            30_000, "the curve gains points while the task trains");
        browser.awaitTrue("Number(document.getElementById('epoch-chart').dataset.points) >= 1", 90_000,
            "the first epoch's test accuracy");
        browser.screenshot(SHOTS.resolve("dashboard-training.png"));
        TrainingResult result = training.get(3, TimeUnit.MINUTES);
        browser.awaitTrue("document.getElementById('run').dataset.status === 'finished'", 10_000, "the run finished");
        browser.awaitTrue("document.querySelectorAll('#runs tr[data-run]').length === 1", 10_000,
            "the finished run among the past runs");
        assertEquals(1L, ((Number) browser.eval("Number(document.getElementById('epoch-chart').dataset.points)"))
            .longValue());
        assertTrue(result.finalTestAccuracy() > 0.5);

        workers.process(1).destroyForcibly(); // kill -9
        long millis = browser.awaitTrue("document.querySelectorAll('#workers tr[data-state=down]').length === 1",
            3_000, "the killed worker shown down within 3 s");
        browser.screenshot(SHOTS.resolve("dashboard-worker-down.png"));
        System.out.println("browser: killed worker shown down after " + millis + " ms; screenshots in " + SHOTS);
        assertEquals(java.util.List.of(), browser.consoleErrors(), "errors in the browser console");
      } finally {
        dashboard.close().await();
      }
    }
  }
}
