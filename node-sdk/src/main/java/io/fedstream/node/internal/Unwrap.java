package io.fedstream.node.internal;

import io.fedstream.node.Message;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/** Hands each delivery's message to the subscriber, then marks it processed (once onNext returned). */
final class Unwrap implements CoreSubscriber<Delivery>, Subscription {
  private final CoreSubscriber<? super Message> actual;
  private Subscription upstream;

  Unwrap(CoreSubscriber<? super Message> actual) {
    this.actual = actual;
  }

  @Override
  public Context currentContext() {
    return actual.currentContext();
  }

  @Override
  public void onSubscribe(Subscription s) {
    this.upstream = s;
    actual.onSubscribe(this);
  }

  @Override
  public void onNext(Delivery d) {
    try {
      actual.onNext(d.message);
    } finally {
      d.processed();
    }
  }

  @Override
  public void onError(Throwable t) {
    actual.onError(t);
  }

  @Override
  public void onComplete() {
    actual.onComplete();
  }

  @Override
  public void request(long n) {
    upstream.request(n);
  }

  @Override
  public void cancel() {
    upstream.cancel();
  }
}
