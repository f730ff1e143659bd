package io.fedstream.schemas.wire;

import io.fedstream.schemas.ErrorRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A small client of the Confluent schema registry REST API: register a schema under a subject,
 * look a schema up by id, and cache both. It works against any Confluent-compatible registry,
 * including Apicurio's {@code /apis/ccompat/v7}.
 *
 * <p>Instances are thread-safe and meant to be shared. Registered ids and fetched schemas are cached
 * for the life of the client (ids are immutable in a registry), so the registry is asked once per
 * subject and schema, and once per id.
 */
public final class SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final Duration timeout;
  // Keyed by the Schema object itself: its hash is cached and equals short-circuits on identity, so
  // a hit costs no rendering of the schema to JSON (that happens once per miss).
  private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  private SchemaRegistryClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * Creates a client with a 10 s timeout per HTTP call (a call that times out is tried once more).
   *
   * @param baseUrl the registry's Confluent API base, such as
   *     {@code http://127.0.0.1:8081/apis/ccompat/v7}; a trailing slash is ignored
   * @return the client
   * @throws IllegalArgumentException if the URL is null, empty or not http(s)
   */
  public static SchemaRegistryClient create(String baseUrl) {
    return create(baseUrl, Duration.ofSeconds(10));
  }

  /**
   * Creates a client.
   *
   * @param baseUrl the registry's Confluent API base URL
   * @param timeout the connect and request timeout of each HTTP call; must be positive
   * @return the client
   * @throws IllegalArgumentException if the URL is not an http(s) URL or the timeout is not positive
   */
  public static SchemaRegistryClient create(String baseUrl, Duration timeout) {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("Schema registry URL required.");
    }
    String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("Schema registry URL must start with http:// or https://, was '"
          + baseUrl + "'.");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new SchemaRegistryClient(url, timeout);
  }

  /** The base URL this client talks to. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Registers a schema under a subject, or finds its id when it is registered already.
   *
   * @param subject the subject, such as {@code <topic>-value}
   * @param schema the Avro schema
   * @return the schema's id
   * @throws SchemaRegistryException {@code UNAVAILABLE} when the registry cannot be reached or
   *     fails, {@code REJECTED} when it refuses the schema (for example as incompatible)
   */
  public int register(String subject, Schema schema) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    String text = schema.toString();
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("schema", text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(baseUrl + "/subjects/" + encode(subject) + "/versions"))
        .timeout(timeout)
        .header("Content-Type", CONTENT_TYPE)
        .header("Accept", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    JsonNode answer = call(request, "register a schema under subject '" + subject + "'", ErrorRegistry.REJECTED.name());
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException(ErrorRegistry.UNAVAILABLE.name(), 200,
          "Schema registry at " + baseUrl + " answered a registration without an id: " + answer, null);
    }
    idsBySubjectAndSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /**
   * Looks a schema up by id.
   *
   * @param id the schema id, as found in bytes 1–4 of a wire-format record
   * @return the schema
   * @throws SchemaRegistryException {@code NOT_FOUND} when no schema has that id,
   *     {@code UNAVAILABLE} when the registry cannot be reached or fails
   */
  public Schema schema(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE)
        .GET()
        .build();
    JsonNode answer = call(request, "look up schema id " + id, ErrorRegistry.NOT_FOUND.name());
    Schema schema;
    try {
      schema = new Schema.Parser().parse(answer.path("schema").asText());
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(ErrorRegistry.UNAVAILABLE.name(), 200,
          "Schema id " + id + " in the registry at " + baseUrl + " is not an Avro schema: " + e.getMessage(), e);
    }
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced != null ? raced : schema;
  }

  private JsonNode call(HttpRequest request, String what, String clientErrorCode) {
    HttpResponse<String> response;
    try {
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException slow) {
        // A registry that is there but slow (a collection pause, a busy machine) gets one more
        // try: both calls are idempotent. One that is not there fails at once, as before.
        Thread.sleep(250);
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      }
    } catch (IOException e) {
      throw new SchemaRegistryException(ErrorRegistry.UNAVAILABLE.name(), -1, "Schema registry at " + baseUrl
          + " is not reachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
          + e.getMessage()) + "); could not " + what + ". Is it running, and is the URL right?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(ErrorRegistry.UNAVAILABLE.name(), -1, "Interrupted while trying to " + what, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new SchemaRegistryException(ErrorRegistry.UNAVAILABLE.name(), status, "Schema registry at " + baseUrl
            + " answered with unreadable JSON when asked to " + what, e);
      }
    }
    String code = status >= 400 && status < 500 ? clientErrorCode : ErrorRegistry.UNAVAILABLE.name();
    throw new SchemaRegistryException(code, status, "Schema registry at " + baseUrl + " answered HTTP "
        + status + " when asked to " + what + ": " + abbreviate(response.body()), null);
  }

  private record SubjectSchema(String subject, Schema schema) {
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
