package io.fedstream.roles;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a role class declares, found by reflection once per deployment: its service and task
 * channels (with the argument binding of each), its event channels and its automatic
 * subscriptions. Every declaration error is an {@link IllegalArgumentException} at deploy time.
 */
final class Bindings {

  /** One service or task channel: invokes the method with the message's parts. */
  record Channel(String name, boolean task, boolean expand, Method method) {

    /**
     * Runs the handler.
     *
     * @return the handler's result (may be null)
     * @throws NodeException.CallerException for a {@link CallerError}
     * @throws NodeException with {@link ErrorCode#HANDLER} for any other failure, a missing
     *     required argument included
     */
    Object invoke(Role role, RoleInstanceId caller, Args args, Payloads payloads) {
      Object[] params = expand ? expand(caller, args, payloads) : new Object[] {caller, args, payloads};
      try {
        return method.invoke(role, params);
      } catch (InvocationTargetException e) {
        throw failure(e.getCause());
      } catch (IllegalAccessException | IllegalArgumentException e) {
        throw failure(e);
      }
    }

    private Object[] expand(RoleInstanceId caller, Args args, Payloads payloads) {
      Parameter[] ps = method.getParameters();
      Object[] out = new Object[ps.length];
      for (int i = 0; i < ps.length; i++) {
        Class<?> t = ps[i].getType();
        if (t == RoleInstanceId.class) {
          out[i] = caller;
        } else if (t == Payloads.class) {
          out[i] = payloads;
        } else if (t == Args.class) {
          out[i] = args;
        } else {
          String n = ps[i].getName();
          if (t == Optional.class) {
            out[i] = Optional.ofNullable(args.get(n));
          } else if (!args.has(n)) {
            throw new NodeException(ErrorCode.HANDLER, "channel '" + name + "': missing required argument '" + n + "'");
          } else {
            out[i] = convert(n, args.get(n), t);
          }
        }
      }
      return out;
    }

    private Object convert(String arg, Object v, Class<?> t) {
      if (v == null) {
        if (t.isPrimitive()) {
          throw new NodeException(ErrorCode.HANDLER, "channel '" + name + "': argument '" + arg + "' is null");
        }
        return null;
      }
      if (v instanceof Number n) {
        if (t == int.class || t == Integer.class) {
          return n.intValue();
        }
        if (t == long.class || t == Long.class) {
          return n.longValue();
        }
        if (t == double.class || t == Double.class) {
          return n.doubleValue();
        }
        if (t == float.class || t == Float.class) {
          return n.floatValue();
        }
        if (t == short.class || t == Short.class) {
          return n.shortValue();
        }
      }
      if (t == boolean.class && v instanceof Boolean) {
        return v;
      }
      if (t.isInstance(v)) {
        return v;
      }
      throw new NodeException(ErrorCode.HANDLER, "channel '" + name + "': argument '" + arg + "' is a "
          + v.getClass().getSimpleName() + ", the handler takes a " + t.getSimpleName());
    }
  }

  /** One automatic subscription ({@link EventHandler}). */
  record AutoSubscription(String relationship, String channel, SubscriptionMode mode, Map<String, Object> conditions,
      Method method) {
  }

  final Map<String, Channel> channels = new LinkedHashMap<>();
  final Map<String, Field> events = new LinkedHashMap<>();
  final List<AutoSubscription> handlers = new ArrayList<>();

  /** Turns a handler's failure into the coded error the caller gets. */
  static NodeException failure(Throwable t) {
    if (t instanceof CallerError c) {
      return new NodeException.CallerException(c.getMessage());
    }
    if (t instanceof NodeException n && n.errorCode() == ErrorCode.HANDLER) {
      return n;
    }
    return new NodeException(ErrorCode.HANDLER, String.valueOf(t));
  }

  static Bindings of(Class<? extends Role> type) {
    Bindings b = new Bindings();
    for (Class<?> c = type; c != null && c != Role.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        Service s = m.getAnnotation(Service.class);
        Task t = m.getAnnotation(Task.class);
        EventHandler h = m.getAnnotation(EventHandler.class);
        if (s != null && t != null) {
          throw new IllegalArgumentException(m + " is both @Service and @Task.");
        }
        if (s != null || t != null) {
          String name = Names.of((s != null ? s.name() : t.name()).isEmpty() ? m.getName() : (s != null ? s.name() : t.name()));
          boolean expand = s != null ? s.expand() : t.expand();
          check(m, expand);
          m.setAccessible(true);
          if (b.channels.putIfAbsent(name, new Channel(name, t != null, expand, m)) != null) {
            throw new IllegalArgumentException("Two channels of " + type.getSimpleName() + " are named '" + name
                + "' (names are compared after " + Names.class.getSimpleName() + ".of: underscores and camelCase"
                + " become hyphens).");
          }
        }
        if (h != null) {
          requireSignature(m, "@EventHandler", RoleInstanceId.class, Args.class, Payloads.class);
          m.setAccessible(true);
          b.handlers.add(new AutoSubscription(Names.of(h.relationship()), Names.of(h.channel()), h.mode(),
              Conditions.parse(h.conditions()), m));
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (f.getType() == Event.class && !Modifier.isStatic(f.getModifiers())) {
          f.setAccessible(true);
          b.events.put(f.getName(), f);
        }
      }
    }
    return b;
  }

  private static void check(Method m, boolean expand) {
    if (!expand) {
      requireSignature(m, "A handler without expand", RoleInstanceId.class, Args.class, Payloads.class);
      return;
    }
    for (Parameter p : m.getParameters()) {
      Class<?> t = p.getType();
      if (t != RoleInstanceId.class && t != Payloads.class && t != Args.class && !p.isNamePresent()) {
        throw new IllegalArgumentException(m + " has expand=true but its parameter names were not compiled in:"
            + " compile with javac -parameters.");
      }
    }
  }

  private static void requireSignature(Method m, String what, Class<?>... types) {
    Class<?>[] got = m.getParameterTypes();
    if (!java.util.Arrays.equals(got, types)) {
      throw new IllegalArgumentException(what + " takes (RoleInstanceId, Args, Payloads): " + m);
    }
  }
}
