package io.fedstream.testkit.mock;

import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A {@link MockProducer} that appends every record to its {@link MockKafka} and acknowledges it at once. */
final class MockKafkaProducer extends MockProducer<String, byte[]> {

  private final MockKafka kafka;

  MockKafkaProducer(MockKafka kafka) {
    super(true, null, new StringSerializer(), new ByteArraySerializer());
    this.kafka = kafka;
  }

  @Override
  public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
    ConsumerRecord<String, byte[]> stored;
    try {
      stored = kafka.append(record);
    } catch (RuntimeException e) {
      if (callback != null) {
        callback.onCompletion(null, e);
      }
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    // the history of MockProducer keeps the record with the partition it got
    return super.send(new ProducerRecord<>(record.topic(), stored.partition(), record.timestamp(), record.key(),
        record.value(), record.headers()), callback);
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return kafka.partitionsFor(topic);
  }
}
