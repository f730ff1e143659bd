package io.fedstream.node;

import io.fedstream.node.spi.Interceptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a node is: its id, its groups, the roles it plays, its relationships (a name to the role
 * instance ids it is related to, e.g. {@code "providers" -> {"alice/provider"}}, as RoleML
 * defines them) and free attributes. Immutable; build one with {@link #builder(String)}.
 *
 * <p>Groups, roles and relationships travel in the node's heartbeats, so every host of the
 * namespace sees them ({@link Node#memberInfo(String)}); the attributes and interceptors stay in
 * this process. Relationships can change while the node runs ({@link
 * Node#updateRelationships(Map)}).
 */
public final class NodeSpec {

  private final String id;
  private final Set<String> groups;
  private final Set<String> roles;
  private final Map<String, Set<String>> relationships;
  private final Map<String, String> attributes;
  private final List<Interceptor> interceptors;

  private NodeSpec(Builder b) {
    this.id = b.id;
    this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(b.groups));
    this.roles = Collections.unmodifiableSet(new LinkedHashSet<>(b.roles));
    this.relationships = copy(b.relationships);
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
    this.interceptors = List.copyOf(b.interceptors);
  }

  /**
   * A builder for a node with this id.
   *
   * @param id letters, digits, '.', '_', ':' and '-', at most 200 characters
   * @throws IllegalArgumentException if the id is not valid
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A spec with just an id and groups. */
  public static NodeSpec of(String id, Collection<String> groups) {
    return builder(id).groups(groups).build();
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.groups.addAll(groups);
    b.roles.addAll(roles);
    relationships.forEach((k, v) -> b.relationships.put(k, new LinkedHashSet<>(v)));
    b.attributes.putAll(attributes);
    b.interceptors.addAll(interceptors);
    return b;
  }

  /** The node id. */
  public String id() {
    return id;
  }

  /** The groups, in the order given; unmodifiable. */
  public Set<String> groups() {
    return groups;
  }

  /** The role names the node plays, in the order given; unmodifiable. */
  public Set<String> roles() {
    return roles;
  }

  /** Relationship name to role instance ids; unmodifiable, never null. */
  public Map<String, Set<String>> relationships() {
    return relationships;
  }

  /** Free attributes (local to this process); unmodifiable. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** This node's own interceptors, after those of its host's config; unmodifiable. */
  public List<Interceptor> interceptors() {
    return interceptors;
  }

  /** This spec with other relationships. */
  public NodeSpec withRelationships(Map<String, ? extends Collection<String>> relationships) {
    Builder b = toBuilder();
    b.relationships.clear();
    relationships.forEach(b::relationship);
    return b.build();
  }

  private static Map<String, Set<String>> copy(Map<String, ? extends Set<String>> in) {
    if (in.isEmpty()) {
      return Map.of();
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeSpec s && id.equals(s.id) && groups.equals(s.groups) && roles.equals(s.roles)
        && relationships.equals(s.relationships) && attributes.equals(s.attributes)
        && interceptors.equals(s.interceptors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, groups, roles, relationships, attributes);
  }

  @Override
  public String toString() {
    return "NodeSpec{" + id + " groups=" + groups + " roles=" + roles + " relationships=" + relationships
        + " attributes=" + attributes.keySet() + "}";
  }

  /** Builds a {@link NodeSpec}. */
  public static final class Builder {
    private final String id;
    private final Set<String> groups = new LinkedHashSet<>();
    private final Set<String> roles = new LinkedHashSet<>();
    private final Map<String, Set<String>> relationships = new LinkedHashMap<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Interceptor> interceptors = new ArrayList<>();

    private Builder(String id) {
      if (id == null || !id.matches("[A-Za-z0-9._:-]{1,200}")) {
        throw new IllegalArgumentException("Node id '" + id + "' is not valid: use letters, digits, '.', '_', ':'"
            + " and '-', at most 200 characters.");
      }
      this.id = id;
    }

    /** Adds groups (names as for topics: letters, digits, '.', '_', '-'). */
    public Builder groups(Collection<String> groups) {
      groups.forEach(this::group);
      return this;
    }

    /** Adds groups. */
    public Builder groups(String... groups) {
      return groups(List.of(groups));
    }

    /**
     * Adds one group.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder group(String group) {
      groups.add(requireText("group", group));
      return this;
    }

    /** Adds roles the node plays. */
    public Builder roles(String... roles) {
      for (String r : roles) {
        role(r);
      }
      return this;
    }

    /**
     * Adds one role the node plays.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder role(String role) {
      roles.add(requireText("role", role));
      return this;
    }

    /**
     * Relates the node, under a relationship name, to role instances (adds to those already
     * given for the name).
     *
     * @param name the relationship, e.g. {@code "providers"}
     * @param instanceIds role instance ids, e.g. {@code "alice/provider"}
     * @throws IllegalArgumentException if the name or an id is blank
     */
    public Builder relationship(String name, Collection<String> instanceIds) {
      Set<String> ids = relationships.computeIfAbsent(requireText("relationship", name), k -> new LinkedHashSet<>());
      for (String i : instanceIds) {
        ids.add(requireText("role instance id", i));
      }
      return this;
    }

    /** Relates the node to role instances; see {@link #relationship(String, Collection)}. */
    public Builder relationship(String name, String... instanceIds) {
      return relationship(name, List.of(instanceIds));
    }

    /** Sets a free attribute. */
    public Builder attribute(String key, String value) {
      attributes.put(requireText("attribute key", key), Objects.requireNonNull(value, "attribute value"));
      return this;
    }

    /** Adds an interceptor of this node's messages (after those of the host's config). */
    public Builder interceptor(Interceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Builds the spec. */
    public NodeSpec build() {
      return new NodeSpec(this);
    }

    private static String requireText(String what, String s) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("A " + what + " must not be blank.");
      }
      return s;
    }
  }
}
