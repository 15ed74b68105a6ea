package ddl.train.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run record counts for workers that joined during the run. */
class JoinerTrafficTest {
  @Test
  void joinersAreListedInWorkerOrderOnce() {
    JoinerTraffic t = new JoinerTraffic();
    t.joined(5, 0);
    t.joined(3, 0);
    t.joined(5, 10);
    assertEquals(List.of(3, 5), t.workers());
  }

  @Test
  void aJoinerCountsWhatItSentSinceItFirstJoined() {
    JoinerTraffic t = new JoinerTraffic();
    t.joined(2, 1_000); // it had served earlier runs
    t.joined(2, 4_000); // reconnected, same process: the first join still counts
    assertEquals(9_000, t.sentSinceJoin(2, 10_000));
  }

  @Test
  void aJoinerThatRestartedCountsFromItsRestart() {
    JoinerTraffic t = new JoinerTraffic();
    t.joined(2, 50_000);
    t.joined(2, 300); // its counter went back: a new process
    assertEquals(700, t.sentSinceJoin(2, 1_000));
  }

  @Test
  void anUnknownCounterCountsNothingUntilOneIsKnown() {
    JoinerTraffic t = new JoinerTraffic();
    t.joined(4, -1);
    assertEquals(List.of(4), t.workers());
    assertEquals(0, t.sentSinceJoin(4, 8_000));
    t.joined(4, 6_000);
    assertEquals(2_000, t.sentSinceJoin(4, 8_000));
  }
}
