package io.fedstream.roles;

import java.util.Objects;

/** What a call names: a relationship or a role instance. */
record Target(String relationship, RoleInstanceId instance) {

  static Target of(String relationship) {
    return new Target(Names.of(Objects.requireNonNull(relationship, "relationship")), null);
  }

  static Target of(RoleInstanceId instance) {
    return new Target(null, Objects.requireNonNull(instance, "instance"));
  }

  @Override
  public String toString() {
    return instance != null ? instance.toString() : "relationship '" + relationship + "'";
  }
}
