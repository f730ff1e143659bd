package io.fedstream.examples.connection;

import com.google.protobuf.Struct;
import io.fedstream.connection.Connection;
import io.fedstream.connection.ConnectionException;
import io.fedstream.node.Message;

/**
 * XAIN's client loop: pass the initiative to the server with an empty message, then consume an
 * instruction, do something, dispatch the results; until the server closes.
 *
 * <p>"Do something" here is one step of least squares towards this client's own target: the
 * client moves theta half-way to its target and reports how many samples it has.
 */
public final class TrainingClient {

  private TrainingClient() {
  }

  /**
   * Runs the loop on an open connection until the server closes it.
   *
   * @param c the connection
   * @param target the model this client's data pulls towards
   * @param samples how many samples the client has (the server's weight)
   * @return how many instructions it answered
   */
  public static int run(Connection c, double[] target, int samples) {
    int answered = 0;
    // Passing initiative to server with an empty init message
    c.dispatch(Connection.empty());
    while (true) {
      // Get next instruction
      Message instruction;
      try {
        instruction = c.consume();
      } catch (ConnectionException e) {
        if (e.code().equals(ConnectionException.CLOSED)) {
          return answered;
        }
        throw e;
      }

      // Do something now...
      Message results = doSomething(Protos.unwrap(instruction), target, samples);

      // Dispatch the results
      c.dispatch(results);
      answered++;
    }
  }

  private static Message doSomething(Struct instruction, double[] target, int samples) {
    double[] theta = Protos.vector(instruction.getFieldsOrThrow("theta"));
    double[] updated = new double[theta.length];
    for (int i = 0; i < theta.length; i++) {
      updated[i] = theta[i] + 0.5 * (target[i] - theta[i]);
    }
    return Protos.wrap("trained", Struct.newBuilder()
        .putFields("theta", Protos.vector(updated))
        .putFields("samples", Protos.number(samples))
        .build());
  }
}
