package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.spi.KafkaClientFactory;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.mock.MockKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The SDK asks for the contract's topics with the one definition in {@code schemas} (the router's
 * {@code RouterTopicsTest} checks the router against the same definition).
 */
class ContractTopicsTest {

  @Test
  void aHostCreatesItsTopicsWithTheContractsDefinition() {
    List<NewTopic> asked = new CopyOnWriteArrayList<>();
    try (MockKafka kafka = MockKafka.create()) {
      KafkaClientFactory recording = KafkaClientFactory.of(kafka::producer, kafka::consumer, (props, topics) -> {
        asked.addAll(topics);
        kafka.createTopics(props, topics);
      });
      NodeConfig config = MockNodes.config(kafka, "n1").groups("blue").clientFactory(recording).build();
      try (Node n = Node.create(config)) {
        n.start().block(MockNodes.WAIT);
      }
    }
    Map<String, NewTopic> byName = asked.stream().collect(Collectors.toMap(NewTopic::name, t -> t));
    assertEquals(asked.size(), byName.size(), "each topic asked for once: " + asked);
    for (String t : List.of(Topics.mailbox("t"), Topics.presence("t"), Topics.deadLetter("t"),
        Topics.group("t", "blue"))) {
      assertTrue(byName.containsKey(t), t + " created; asked for " + byName.keySet());
    }
    byName.forEach((name, t) -> assertEquals(TopicSettings.newTopic(name), t, "creation request of " + name));
    assertEquals("compact", byName.get(Topics.presence("t")).configs().get("cleanup.policy"));
    assertEquals(16, byName.get(Topics.mailbox("t")).numPartitions());
  }
}
