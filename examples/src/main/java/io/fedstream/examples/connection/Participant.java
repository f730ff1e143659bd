package io.fedstream.examples.connection;

import com.google.protobuf.Struct;
import io.fedstream.connection.ClientProxy;
import io.fedstream.node.Message;

/**
 * XAIN's {@code Participant(ClientProxy)}: holds its client's request until the server has an
 * instruction. {@code train(theta)} sends the model to the client and returns the client's answer.
 */
public class Participant extends ClientProxy {

  /**
   * One training step on this participant's client.
   *
   * @param round the round number
   * @param theta the global model
   * @return the client's response (its updated model and how many samples it trained on)
   */
  public Message train(int round, double[] theta) {
    Message instruction = Protos.wrap("train", Struct.newBuilder()
        .putFields("round", Protos.number(round))
        .putFields("theta", Protos.vector(theta))
        .build());
    Message responseFromClientAsPbMessage = run(instruction);
    return responseFromClientAsPbMessage;
  }
}
