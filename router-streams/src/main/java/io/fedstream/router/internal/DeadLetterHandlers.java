package io.fedstream.router.internal;

import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's Kafka Streams exception handlers: whatever a record does, the router keeps
 * running.
 *
 * <p>The topology itself decodes every input inside a processor and dead-letters what it cannot
 * decode through a sink, so that the dead-letter write is part of the exactly-once transaction.
 * These handlers are the safety net behind it: a deserialization failure in any typed source, an
 * unexpected exception in a processor, or a record the broker refuses. They write the record's
 * original bytes to {@code <ns>.dlq} with the {@code fedstream.dlq.*} headers through their own
 * idempotent producer (outside the transaction, so at least once) and tell Streams to continue.
 * Kafka 4.1's handlers cannot return dead-letter records into the transaction yet.
 */
public final class DeadLetterHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandlers.class);

  private DeadLetterHandlers() {
  }

  /** Common part: configuration and the lazily created dead-letter producer. */
  abstract static class Base {
    private String bootstrap;
    private String namespace;
    private String by;
    private KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Object> security = new java.util.HashMap<>();

    public void configure(Map<String, ?> configs) {
      bootstrap = String.valueOf(configs.get("bootstrap.servers"));
      configs.forEach((k, v) -> {
        if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
          security.put(k, v);
        }
      });
      Object ns = configs.get("fedstream.namespace");
      namespace = ns == null ? null : ns.toString();
      Object id = configs.get("fedstream.router.instance.id");
      by = id == null ? "router" : id.toString();
    }

    synchronized void deadLetter(ErrorCode code, String reason, String topic, int partition,
        long offset, byte[] key, byte[] value, org.apache.kafka.common.header.Headers original) {
      if (namespace == null) {
        LOG.error("cannot dead-letter a record of {}: no namespace configured; reason: {}", topic, reason);
        return;
      }
      try {
        if (producer == null) {
          Properties p = new Properties();
          p.putAll(security);
          p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
          p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
          p.put(ProducerConfig.ACKS_CONFIG, "all");
          p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 5 * 1024 * 1024);
          p.put(ProducerConfig.CLIENT_ID_CONFIG, "fedstream-router-dlq-" + by);
          producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
        RecordHeaders h = new RecordHeaders(original == null ? new RecordHeaders() : original);
        DeadLetter.headers(h, code, reason, topic, partition, offset, by);
        producer.send(new ProducerRecord<>(Topics.deadLetter(namespace), null, key, value, h))
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.error("could not dead-letter a record of {}[{}]@{} ({}): {}", topic, partition, offset,
            reason, e.toString());
      }
    }

    public void close() {
      if (producer != null) {
        producer.close(java.time.Duration.ofSeconds(5));
      }
    }
  }

  /** Dead-letters records that a source's deserializer rejects, then continues. */
  public static final class Deserialization extends Base implements DeserializationExceptionHandler {
    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context,
        ConsumerRecord<byte[], byte[]> record, Exception exception) {
      LOG.warn("undecodable record {}[{}]@{}: {}", record.topic(), record.partition(), record.offset(),
          exception.toString());
      deadLetter(ErrorCode.DECODE, "cannot decode: " + exception, record.topic(), record.partition(),
          record.offset(), record.key(), record.value(), record.headers());
      return DeserializationHandlerResponse.CONTINUE;
    }
  }

  /** Dead-letters the source record of a processor that threw, then continues. */
  public static final class Processing extends Base implements ProcessingExceptionHandler {
    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record,
        Exception exception) {
      for (Throwable t = exception; t != null; t = t.getCause()) {
        if (t instanceof io.fedstream.schemas.wire.SchemaRegistryException) {
          LOG.error("registry unavailable; failing the task so the record is retried: {}", t.toString());
          return ProcessingHandlerResponse.FAIL;
        }
      }
      LOG.error("processor {} failed on {}[{}]@{}", context.processorNodeId(), context.topic(),
          context.partition(), context.offset(), exception);
      deadLetter(ErrorCode.UNKNOWN, "router failed to process: " + exception, context.topic(),
          context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(),
          context.headers());
      return ProcessingHandlerResponse.CONTINUE;
    }
  }

  /**
   * Retries what the broker may accept later; dead-letters what it never will (a record over the
   * size limit, a refused topic) and continues. The processors keep their outputs under the
   * topics' size limit before they forward them ({@code Step}), so this is the net behind that.
   */
  public static final class Production extends Base implements ProductionExceptionHandler {
    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context,
        ProducerRecord<byte[], byte[]> record, Exception exception) {
      if (exception instanceof RetriableException) {
        return ProductionExceptionHandlerResponse.RETRY;
      }
      int size = record.value() == null ? 0 : record.value().length;
      LOG.error("the broker refused a record for {} ({} bytes): {}; dead-lettered", record.topic(), size,
          exception.toString());
      refused(context, record.topic(), record.key(), record.value(), record.headers(),
          "the broker refused the router's output for " + record.topic() + ": " + exception);
      return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
        ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
      LOG.error("cannot serialize a record for {}: {}; dead-lettered", record.topic(), exception.toString());
      refused(context, record.topic(), null, null, record.headers(),
          "the router cannot serialize its output for " + record.topic() + ": " + exception);
      return ProductionExceptionHandlerResponse.CONTINUE;
    }

    /** Dead-letters the refused output, its value left out when it is what was too large. */
    private void refused(ErrorHandlerContext context, String topic, byte[] key, byte[] value,
        org.apache.kafka.common.header.Headers headers, String reason) {
      if (topic != null && topic.endsWith(".dlq")) {
        return; // a dead letter that cannot be written is only logged
      }
      byte[] kept = value != null && value.length < TopicSettings.MAX_MESSAGE_BYTES / 2 ? value : null;
      String why = kept == value ? reason : reason + " (its " + value.length + "-byte value is left out)";
      deadLetter(ErrorCode.REJECTED, why, context == null ? topic : context.topic(),
          context == null ? -1 : context.partition(), context == null ? -1 : context.offset(), key, kept,
          headers);
    }
  }
}
