package io.fedstream.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.Node;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import reactor.core.Disposables;

/** Emitting is allowed only when READY; it says the status otherwise (no broker: the node is a stub). */
class LifecycleTest {

  static class Source extends Role {
    final Event myEvent = new Event();
  }

  private static Node stubNode() {
    return (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class}, (p, m, a) -> {
      switch (m.getName()) {
        case "id": return "n1";
        case "serve": return Disposables.single();
        case "toString": return "stub";
        default: throw new UnsupportedOperationException(m.getName());
      }
    });
  }

  @Test
  void emittingBeforeReadyIsAnErrorThatSaysSo() {
    RoleNode rn = RoleNode.on(stubNode());
    try {
      Source s = new Source();
      Deployment d = new Deployment(rn, "source", s);
      s.myEvent.bind(d, "myEvent");
      assertEquals("my-event", s.myEvent.name());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.myEvent.emit(Args.of("a", 1)));
      assertTrue(e.getMessage().contains("STARTING") && e.getMessage().contains("READY"), e.getMessage());
      d.status = RoleStatus.STOPPING;
      e = assertThrows(IllegalStateException.class, () -> s.myEvent.emit(Args.of("a", 1)));
      assertTrue(e.getMessage().contains("STOPPING"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> new Source().myEvent.emit(Args.empty()), "not deployed");
    } finally {
      rn.close();
    }
  }
}
