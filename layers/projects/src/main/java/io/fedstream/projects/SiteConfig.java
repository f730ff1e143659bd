package io.fedstream.projects;

import io.fedstream.node.NodeConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Site} connects and presents itself. Build one with {@link #builder(NodeConfig)}: the
 * node config's node id is the site id (the site's model updates travel as that node's messages).
 */
public final class SiteConfig {

  final NodeConfig node;
  final String name;
  final String description;
  final byte[] publicKey;
  final String publicKeyId;
  final int publicKeyVersion;
  final Duration heartbeatInterval;
  final Duration commandTimeout;

  private SiteConfig(Builder b) {
    this.node = b.node;
    this.name = b.name == null ? b.node.nodeId() : b.name;
    this.description = b.description;
    this.publicKey = b.publicKey;
    this.publicKeyId = b.publicKeyId;
    this.publicKeyVersion = b.publicKeyVersion;
    this.heartbeatInterval = b.heartbeatInterval;
    this.commandTimeout = b.commandTimeout;
  }

  /**
   * A builder over a node config.
   *
   * @param node a node config with bootstrap servers, registry, namespace and node id (= site id)
   * @throws IllegalArgumentException when the node id is missing
   */
  public static Builder builder(NodeConfig node) {
    Objects.requireNonNull(node, "node");
    if (node.nodeId() == null || node.nodeId().isBlank()) {
      throw new IllegalArgumentException("the node config needs a node id: it is the site id");
    }
    return new Builder(node);
  }

  /** The site id. */
  public String siteId() {
    return node.nodeId();
  }

  /** Builds a {@link SiteConfig}. */
  public static final class Builder {
    private final NodeConfig node;
    private String name;
    private String description = "";
    private byte[] publicKey;
    private String publicKeyId;
    private int publicKeyVersion;
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration commandTimeout = Duration.ofSeconds(30);

    private Builder(NodeConfig node) {
      this.node = node;
    }

    /** Display name; the site id when not given. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Free-text description; empty when not given. */
    public Builder description(String description) {
      this.description = description == null ? "" : description;
      return this;
    }

    /**
     * The public key other sites encrypt to (the security layer's), with its id and version. A
     * later key must have a higher version.
     */
    public Builder publicKey(byte[] key, String keyId, int version) {
      this.publicKey = key == null ? null : key.clone();
      this.publicKeyId = keyId;
      this.publicKeyVersion = version;
      return this;
    }

    /** How often the site sends a heartbeat (5 s, FriendlyFL's default). */
    public Builder heartbeatInterval(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("heartbeat interval must be positive");
      }
      this.heartbeatInterval = d;
      return this;
    }

    /**
     * How long to wait for the router's reply before sending the command again with the same id
     * (applied once); after three tries it fails with {@code TIMEOUT}. Default 30 s.
     */
    public Builder commandTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("command timeout must be positive");
      }
      this.commandTimeout = d;
      return this;
    }

    /** The config. */
    public SiteConfig build() {
      return new SiteConfig(this);
    }
  }
}
