package io.fedstream.testkit.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-JVM schema registry answering the two calls of the Confluent API that FedStream's
 * {@code SchemaRegistryClient} makes: register a schema under a subject (the same schema text gets
 * the same id) and look a schema up by id. On 127.0.0.1, an OS-picked port. No compatibility checks.
 */
final class FakeRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<Integer, String> schemas = new HashMap<>();

  private FakeRegistry(HttpServer server) {
    this.server = server;
  }

  static FakeRegistry start() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FakeRegistry r = new FakeRegistry(s);
      s.createContext("/", r::handle);
      s.start();
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the in-JVM schema registry: " + e, e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      if ("POST".equals(x.getRequestMethod()) && path.startsWith("/subjects/") && path.endsWith("/versions")) {
        JsonNode body = JSON.readTree(x.getRequestBody());
        String schema = body.path("schema").asText();
        int id;
        synchronized (this) {
          id = ids.computeIfAbsent(schema, k -> ids.size() + 1);
          schemas.put(id, schema);
        }
        answer(x, 200, Map.of("id", id));
      } else if ("GET".equals(x.getRequestMethod()) && path.startsWith("/schemas/ids/")) {
        String schema;
        synchronized (this) {
          schema = schemas.get(parse(path.substring("/schemas/ids/".length())));
        }
        if (schema == null) {
          answer(x, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          answer(x, 200, Map.of("schema", schema));
        }
      } else {
        answer(x, 404, Map.of("error_code", 404, "message", "not supported by the in-JVM registry: " + path));
      }
    }
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void answer(HttpExchange x, int status, Map<String, ?> body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
