package io.fedstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.Liveness;
import io.fedstream.avro.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The self-contained schema files that other languages load ({@code python/fedstream/schemas/}) are
 * the schemas the Java SDK registers: regenerate them from the generated classes when a schema
 * changes ({@code Schema.toString(true)}).
 */
class SelfContainedSchemasTest {

  @ParameterizedTest
  @ValueSource(strings = {"Envelope", "Heartbeat", "Subscription", "ConditionalEvent", "Liveness"})
  void theSelfContainedCopyIsTheSchemaJavaRegisters(String name) throws Exception {
    Schema java = switch (name) {
      case "Envelope" -> Envelope.getClassSchema();
      case "Heartbeat" -> Heartbeat.getClassSchema();
      case "Subscription" -> Subscription.getClassSchema();
      case "ConditionalEvent" -> ConditionalEvent.getClassSchema();
      default -> Liveness.getClassSchema();
    };
    Path file = Path.of(System.getProperty("user.dir")).resolve("../python/fedstream/schemas/" + name + ".avsc");
    Schema copy = new Schema.Parser().parse(Files.readString(file));
    assertEquals(java, copy, name + ".avsc differs from the generated class: regenerate it");
    assertEquals(java.toString(true) + "\n", Files.readString(file), name + ".avsc is not in Schema.toString(true) form");
  }
}
