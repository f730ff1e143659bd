package io.fedstream.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The router asks for its topics with the contract's one definition, as the SDK does. */
class RouterTopicsTest {

  @Test
  void createsTheContractsTopicsAsTheSdkDoes() {
    List<NewTopic> made = Router.missingTopics("ns1", TopicSettings.MAILBOX.partitions(), Set.of());
    assertEquals(Router.topics("ns1").size(), made.size());
    for (NewTopic t : made) {
      assertEquals(TopicSettings.newTopic(t.name()), t, "creation request of " + t.name());
    }
    assertEquals("compact", made.stream().filter(t -> t.name().equals(Topics.presence("ns1"))).findFirst()
        .orElseThrow().configs().get("cleanup.policy"));
  }

  @Test
  void onlyTheMailboxTakesTheConfiguredPartitionsAndExistingTopicsAreLeftAlone() {
    List<NewTopic> made = Router.missingTopics("ns1", 32, Set.of(Topics.liveness("ns1")));
    assertEquals(Router.topics("ns1").size() - 1, made.size());
    for (NewTopic t : made) {
      NewTopic contract = TopicSettings.newTopic(t.name());
      assertEquals(contract.configs(), t.configs(), "configs of " + t.name());
      assertEquals(t.name().equals(Topics.mailbox("ns1")) ? 32 : contract.numPartitions(), t.numPartitions(),
          "partitions of " + t.name());
    }
  }
}
