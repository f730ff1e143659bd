package io.fedstream.examples.fedavg;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-memory exchange of {@link Endpoint}s and a federation on threads, for tests without a broker. */
final class LocalExchange implements FedAvgJob.Federation {

  private final Map<String, LinkedBlockingQueue<Endpoint.Received>> boxes = new ConcurrentHashMap<>();

  Endpoint endpoint(String id) {
    LinkedBlockingQueue<Endpoint.Received> box = boxes.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
    return new Endpoint() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public void send(String to, String header, Map<String, Object> args, float[] weights) {
        boxes.computeIfAbsent(to, k -> new LinkedBlockingQueue<>())
            .add(new Received(id, header, Map.copyOf(args), weights == null ? null : weights.clone(), Instant.now()));
      }

      @Override
      public Received receive(Duration timeout) {
        try {
          return timeout.isNegative() || timeout.isZero() ? box.poll() : box.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stopped", e);
        }
      }
    };
  }

  @Override
  public List<RoundMetrics> run(Plan plan) {
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<Integer>> clients = new ArrayList<>();
      List<String> ids = plan.clientIds();
      for (int k = 0; k < ids.size(); k++) {
        FedAvgClient c = plan.client(k, endpoint(ids.get(k)));
        clients.add(pool.submit(c::run));
      }
      List<RoundMetrics> rows = plan.server(endpoint("server")).run();
      for (Future<Integer> f : clients) {
        f.get(60, TimeUnit.SECONDS);
      }
      return rows;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }
}
