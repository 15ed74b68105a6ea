package ddl.worker.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

class MailboxesTest {
  @Test
  void aValueWaitsForItsReceiverAndAReceiverForItsValue() {
    Mailboxes boxes = new Mailboxes();
    boxes.open(7);
    assertTrue(boxes.deliver(7, 1, "early"));
    assertEquals("early", boxes.receive(7, 1).result());
    Future<Object> waiting = boxes.receive(7, 2);
    assertFalse(waiting.isComplete());
    assertTrue(boxes.deliver(7, 2, "late"));
    assertEquals("late", waiting.result());
  }

  @Test
  void closingFailsEveryWaitingReceiverAndRefusesLaterDeliveries() {
    Mailboxes boxes = new Mailboxes();
    boxes.open(3);
    Future<Object> a = boxes.receive(3, 1);
    Future<Object> b = boxes.receive(3, 2);
    boxes.close(3, "the ring was re-formed");
    assertTrue(a.failed() && b.failed());
    assertEquals("the ring was re-formed", a.cause().getMessage());
    assertFalse(boxes.deliver(3, 1, "stray"), "a piece for a closed box is refused");
    assertTrue(boxes.receive(3, 1).failed());
    assertEquals(0, boxes.size());
  }
}
