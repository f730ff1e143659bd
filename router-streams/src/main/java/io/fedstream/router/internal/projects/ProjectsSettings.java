package io.fedstream.router.internal.projects;

import io.fedstream.router.RouterConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The routing server's settings, read from the router's config (keys defined here, added to
 * {@link RouterConfig#definition()}).
 *
 * @param namespace the namespace served
 * @param instanceId written into dead-letter headers
 * @param siteTimeoutMs a site is DISCONNECTED after this long without a heartbeat or command
 * @param checkIntervalMs wall-clock interval of the timeout checks
 * @param pendingFailedTimeoutMs a run left in PENDING_FAILED this long becomes FAILED
 */
public record ProjectsSettings(String namespace, String instanceId, long siteTimeoutMs,
    long checkIntervalMs, long pendingFailedTimeoutMs) {

  /** A site is DISCONNECTED after this long without a heartbeat (FriendlyFL: 60 s). */
  public static final String SITE_TIMEOUT_MS = "fedstream.projects.site.timeout.ms";
  /** Wall-clock interval of the router's site and run timeout checks. */
  public static final String CHECK_INTERVAL_MS = "fedstream.projects.check.interval.ms";
  /** A run in PENDING_FAILED becomes FAILED after this long even if not every participant acknowledged. */
  public static final String PENDING_FAILED_TIMEOUT_MS = "fedstream.projects.pending-failed.timeout.ms";

  /** Adds the keys to the router's config definition. */
  public static void define(ConfigDef def) {
    def.define(SITE_TIMEOUT_MS, Type.LONG, 60_000L, Range.between(10, 86_400_000L), Importance.MEDIUM,
            "A site is DISCONNECTED after this long without a heartbeat or a command (FriendlyFL's 60 s).")
        .define(CHECK_INTERVAL_MS, Type.LONG, 1_000L, Range.between(10, 600_000L), Importance.LOW,
            "Wall-clock interval at which the router checks site heartbeats and PENDING_FAILED runs.")
        .define(PENDING_FAILED_TIMEOUT_MS, Type.LONG, 60_000L, Range.between(10, 86_400_000L),
            Importance.LOW, "A run stays PENDING_FAILED at most this long waiting for every"
                + " participant to acknowledge the failure; then the router makes it FAILED.");
  }

  /** The settings of a router config. */
  public static ProjectsSettings of(RouterConfig config) {
    Map<String, Object> v = RouterConfig.definition().parse(config.originals());
    return new ProjectsSettings(config.namespace(), config.instanceId(), (Long) v.get(SITE_TIMEOUT_MS),
        (Long) v.get(CHECK_INTERVAL_MS), (Long) v.get(PENDING_FAILED_TIMEOUT_MS));
  }
}
