package io.fedstream.federation;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A node class's {@code train} method: its parameter names, the argument check, the call. */
final class TrainMethod {

  private final Class<? extends FederatedNode> type;
  private final Constructor<? extends FederatedNode> constructor;
  private final Method method;
  private final List<String> names;

  private TrainMethod(Class<? extends FederatedNode> type, Constructor<? extends FederatedNode> constructor, Method method,
      List<String> names) {
    this.type = type;
    this.constructor = constructor;
    this.method = method;
    this.names = names;
  }

  /**
   * Inspects a node class.
   *
   * @throws FederationException {@code BAD_NODE_CLASS} saying what to add or change
   */
  static TrainMethod of(Class<? extends FederatedNode> type) {
    String name = type.getName();
    if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
      throw bad(name + " must be a public, non-abstract class");
    }
    if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
      throw bad(name + " is an inner class; make it static (or top level) so that it can be created without an outer instance");
    }
    Constructor<? extends FederatedNode> ctor;
    try {
      ctor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw bad(name + " has no public no-argument constructor; add one (the federation creates each node with it)");
    }
    List<Method> trains = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.getName().equals("train") && !Modifier.isStatic(m.getModifiers())) {
        trains.add(m);
      }
    }
    if (trains.size() != 1) {
      throw bad(name + " must have exactly one public method named train, has " + trains.size());
    }
    Method train = trains.get(0);
    List<String> names = new ArrayList<>();
    for (Parameter p : train.getParameters()) {
      Arg arg = p.getAnnotation(Arg.class);
      if (arg != null) {
        names.add(arg.value());
      } else if (p.isNamePresent()) {
        names.add(p.getName());
      } else {
        throw bad(name + ".train was compiled without parameter names: compile with the javac flag -parameters"
            + " (maven-compiler-plugin <compilerArgs><arg>-parameters</arg></compilerArgs>) or annotate each parameter"
            + " with @Arg(\"name\")");
      }
    }
    if (new TreeSet<>(names).size() != names.size()) {
      throw bad(name + ".train has two parameters of the same name: " + names);
    }
    train.setAccessible(true);
    return new TrainMethod(type, ctor, train, List.copyOf(names));
  }

  private static FederationException bad(String message) {
    return new FederationException(FederationException.BAD_NODE_CLASS, message);
  }

  Class<? extends FederatedNode> type() {
    return type;
  }

  /** The parameter names, in order. */
  List<String> names() {
    return names;
  }

  /** A new instance (the public no-argument constructor). */
  FederatedNode instantiate() {
    try {
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new FederationException(FederationException.BAD_NODE_CLASS, type.getName() + "'s constructor failed: "
          + e.getCause(), null, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new FederationException(FederationException.BAD_NODE_CLASS, "cannot create " + type.getName() + ": " + e,
          null, e);
    }
  }

  /**
   * Checks argument keys against the parameter names: every unknown key, and (when {@code
   * complete}) every missing one, named in one message.
   *
   * @param who "server args" or "client args", for the message
   * @throws FederationException {@code BAD_ARGUMENTS}
   */
  void checkKeys(String who, Map<String, ?> args, boolean complete) {
    Set<String> unknown = new TreeSet<>(args.keySet());
    names.forEach(unknown::remove);
    List<String> missing = new ArrayList<>();
    if (complete) {
      for (String n : names) {
        if (!args.containsKey(n)) {
          missing.add(n);
        }
      }
    }
    if (!unknown.isEmpty() || !missing.isEmpty()) {
      StringBuilder sb = new StringBuilder(who).append(" do not match ").append(type.getSimpleName()).append(".train")
          .append(names).append(':');
      if (!unknown.isEmpty()) {
        sb.append(" unknown ").append(unknown.size() == 1 ? "key " : "keys ").append(String.join(", ", unknown));
      }
      if (!missing.isEmpty()) {
        sb.append(unknown.isEmpty() ? "" : ";").append(" missing ").append(missing.size() == 1 ? "key " : "keys ")
            .append(String.join(", ", missing));
      }
      throw new FederationException(FederationException.BAD_ARGUMENTS, sb.toString());
    }
  }

  /**
   * The call's argument array: each value converted to its parameter's type (numbers widened or
   * narrowed when exact, lists to arrays, strings parsed for command-line values).
   *
   * @throws FederationException {@code BAD_ARGUMENTS} naming the key whose value does not fit
   */
  Object[] arguments(String who, Map<String, ?> args) {
    checkKeys(who, args, true);
    Parameter[] ps = method.getParameters();
    Object[] out = new Object[ps.length];
    for (int i = 0; i < ps.length; i++) {
      String key = names.get(i);
      try {
        out[i] = Coercion.to(ps[i].getType(), args.get(key));
      } catch (IllegalArgumentException e) {
        throw new FederationException(FederationException.BAD_ARGUMENTS, who + ": key " + key + " of "
            + type.getSimpleName() + ".train: " + e.getMessage());
      }
    }
    return out;
  }

  /** Calls train; returns its result, or throws what it threw. */
  Object invoke(FederatedNode node, Object[] arguments) throws Throwable {
    try {
      return method.invoke(node, arguments);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The arguments by name, for messages. */
  Map<String, Object> byName(Object[] arguments) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), arguments[i]);
    }
    return m;
  }
}
