package io.fedstream.examples.roles;

import io.fedstream.roles.Args;
import io.fedstream.roles.CallerError;
import io.fedstream.roles.Payloads;
import io.fedstream.roles.Role;
import io.fedstream.roles.RoleInstanceId;
import io.fedstream.roles.Service;
import io.fedstream.roles.Task;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RoleML's minimal provider: a service {@code echo} that answers the {@code comment} it is given,
 * and a task {@code heavy_job} (channel {@code heavy-job}) that works for a while and returns true.
 * An {@code echo} without a comment is the caller's fault: a {@link CallerError}.
 */
public class ServiceTaskProvider extends Role {

  private final Duration heavyJob;
  private final AtomicInteger served = new AtomicInteger();

  /** A provider whose heavy job takes {@code heavyJob} (the seed's is 5 s). */
  public ServiceTaskProvider(Duration heavyJob) {
    this.heavyJob = heavyJob;
  }

  /** Answers the comment; a missing comment is the caller's error. */
  @Service
  public Object echo(RoleInstanceId caller, Args args, Payloads payloads) {
    served.incrementAndGet();
    if (!args.has("comment")) {
      throw new CallerError("echo needs the argument 'comment'");
    }
    return args.get("comment");
  }

  /** Blocks for the heavy job's duration (handlers may block), then returns true. */
  @Task
  public Object heavy_job(RoleInstanceId caller, Args args, Payloads payloads) throws InterruptedException {
    Thread.sleep(heavyJob.toMillis());
    return true;
  }

  /** How many {@code echo} calls this instance served. */
  public int served() {
    return served.get();
  }
}
