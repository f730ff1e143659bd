package io.fedstream.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Channels, expand, errors and event declarations, found by reflection (no broker). */
class BindingsTest {

  static class Provider extends Role {
    final Event myEvent = new Event();
    final Event other = new Event("custom_name");

    @Service
    Object echo(RoleInstanceId caller, Args args, Payloads payloads) {
      if (!args.has("comment")) {
        throw new CallerError("'comment' is required");
      }
      return args.get("comment");
    }

    @Task
    Object heavy_job(RoleInstanceId caller, Args args, Payloads payloads) {
      return true;
    }

    @Service(name = "echoExpanded", expand = true)
    Object echo2(RoleInstanceId caller, String comment, int times, Optional<String> suffix) {
      return comment.repeat(times) + suffix.orElse("") + "@" + caller;
    }

    @Service
    Object crash(RoleInstanceId caller, Args args, Payloads payloads) {
      return ((String) args.get("missing")).length();
    }
  }

  static final RoleInstanceId CALLER = RoleInstanceId.of("bob/caller");

  @Test
  void channelsAreNamedByTheRuleAndKnowTheirKind() {
    Bindings b = Bindings.of(Provider.class);
    assertEquals(java.util.Set.of("echo", "heavy-job", "echo-expanded", "crash"), b.channels.keySet());
    assertTrue(b.channels.get("heavy-job").task());
    assertEquals(java.util.Set.of("myEvent", "other"), b.events.keySet());
    assertEquals("custom-name", new Event("custom_name").name());
  }

  @Test
  void theDefaultSignatureGetsCallerArgsAndPayloads() {
    Bindings.Channel echo = Bindings.of(Provider.class).channels.get("echo");
    assertEquals("hello", echo.invoke(new Provider(), CALLER, Args.of("comment", "hello"), Payloads.empty()));
  }

  @Test
  void expandBindsArgsByNameAndAMissingOneIsAHandlerErrorNamingIt() {
    Bindings.Channel c = Bindings.of(Provider.class).channels.get("echo-expanded");
    assertEquals("abab!@bob/caller", c.invoke(new Provider(), CALLER, Args.of("comment", "ab", "times", 2L, "suffix", "!"),
        Payloads.empty()));
    assertEquals("ab@bob/caller", c.invoke(new Provider(), CALLER, Args.of("comment", "ab", "times", 1L), Payloads.empty()),
        "an Optional parameter is not required");
    NodeException e = assertThrows(NodeException.class,
        () -> c.invoke(new Provider(), CALLER, Args.of("times", 1L), Payloads.empty()));
    assertEquals(ErrorCode.HANDLER, e.errorCode());
    assertTrue(e.reason().contains("missing required argument 'comment'"), e.reason());
  }

  @Test
  void aCallerErrorIsCallerAnythingElseAHandlerErrorWithTheReason() {
    Bindings b = Bindings.of(Provider.class);
    NodeException caller = assertThrows(NodeException.class,
        () -> b.channels.get("echo").invoke(new Provider(), CALLER, Args.empty(), Payloads.empty()));
    assertInstanceOf(NodeException.CallerException.class, caller);
    assertEquals("'comment' is required", caller.reason());
    NodeException handler = assertThrows(NodeException.class,
        () -> b.channels.get("crash").invoke(new Provider(), CALLER, Args.empty(), Payloads.empty()));
    assertEquals(ErrorCode.HANDLER, handler.errorCode());
    assertTrue(handler.reason().contains("NullPointerException"), handler.reason());
    assertInstanceOf(CallerError.class, RoleCalls.error(caller));
    assertInstanceOf(HandlerError.class, RoleCalls.error(handler));
    assertEquals(handler.reason(), RoleCalls.error(handler).getMessage());
  }

  static class BadSignature extends Role {
    @Service
    Object echo(Args args) {
      return null;
    }
  }

  static class TwoNamesAlike extends Role {
    @Service
    Object heavy_job(RoleInstanceId c, Args a, Payloads p) {
      return null;
    }

    @Task(name = "heavyJob")
    Object other(RoleInstanceId c, Args a, Payloads p) {
      return null;
    }
  }

  @Test
  void declarationErrorsAreRefusedAtDeployTime() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Bindings.of(BadSignature.class)).getMessage()
        .contains("(RoleInstanceId, Args, Payloads)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Bindings.of(TwoNamesAlike.class)).getMessage()
        .contains("heavy-job"), "heavy_job and heavyJob are one name");
  }

  static class Subscriber extends Role {
    @EventHandler(relationship = "event_source", channel = "myEvent", mode = SubscriptionMode.ONCE,
        conditions = {"a__gt", "1", "c", "\"16\"", "ok__==", "true", "x__>=", "2.5"})
    void handler(RoleInstanceId source, Args args, Payloads payloads) {
    }
  }

  @Test
  void eventHandlersCarryRelationshipChannelModeAndConditions() {
    Bindings.AutoSubscription s = Bindings.of(Subscriber.class).handlers.get(0);
    assertEquals("event-source", s.relationship());
    assertEquals("my-event", s.channel());
    assertEquals(SubscriptionMode.ONCE, s.mode());
    assertEquals(Map.of("a__gt", 1L, "c", "16", "ok__==", true, "x__>=", 2.5), s.conditions());
    assertThrows(IllegalArgumentException.class, () -> Conditions.parse(new String[] {"a__gtt", "1"}));
    assertThrows(IllegalArgumentException.class, () -> Conditions.parse(new String[] {"a", "abc"}));
    assertThrows(IllegalArgumentException.class, () -> Conditions.parse(new String[] {"novalue"}));
  }
}
