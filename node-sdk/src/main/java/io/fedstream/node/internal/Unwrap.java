package io.fedstream.node.internal;

import io.fedstream.node.Message;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/** Hands each delivery's message to the subscriber, then marks it processed (once onNext returned). */
final class Unwrap<T> implements CoreSubscriber<Delivery>, Subscription {
  private final CoreSubscriber<? super T> actual;
  private final java.util.function.Function<Message, T> convert;
  private Subscription upstream;

  Unwrap(CoreSubscriber<? super T> actual, java.util.function.Function<Message, T> convert) {
    this.actual = actual;
    this.convert = convert;
  }

  /** Hands over the messages as they are. */
  static Unwrap<Message> of(CoreSubscriber<? super Message> actual) {
    return new Unwrap<>(actual, m -> m);
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
      actual.onNext(convert.apply(d.message));
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
