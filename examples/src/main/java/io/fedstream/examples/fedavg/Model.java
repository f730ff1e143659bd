package io.fedstream.examples.fedavg;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A classifier whose parameters are one flat {@code float[]}: what the server and the clients
 * exchange each round. Implementations hold no mutable state, so one instance
 * serves every client thread; the parameters and the gradient buffer belong to the caller.
 *
 * <p>Inputs are rows of {@link #inputs()} floats; the loss is softmax cross-entropy (natural log)
 * averaged over the batch.
 */
public interface Model {

  /**
   * The model's name as {@code --model} spells it.
   *
   * @return {@code mlp} or {@code logreg}
   */
  String name();

  /**
   * A one-line description, such as {@code MLP 784-100-10 (79,510 parameters)}.
   *
   * @return the description
   */
  String describe();

  /** Input values per example. */
  int inputs();

  /** Number of classes. */
  int classes();

  /** Number of parameters: the length of every parameter and gradient array. */
  int size();

  /**
   * Fresh parameters, drawn from {@code seed} (the same seed gives the same parameters).
   *
   * @param seed the seed
   * @return new parameters
   */
  float[] init(long seed);

  /**
   * The mean loss of a batch and its gradient.
   *
   * @param params the parameters (read only)
   * @param x the batch's inputs, row-major, at least {@code n * inputs()} values
   * @param y the batch's labels, at least {@code n}
   * @param n the batch size, at least 1
   * @param grad filled with the gradient of the mean loss (overwritten, length {@link #size()})
   * @return the mean loss
   */
  double lossAndGradient(float[] params, float[] x, int[] y, int n, float[] grad);

  /**
   * The class scores (logits) of one example.
   *
   * @param params the parameters
   * @param x the inputs
   * @param offset where the example starts in {@code x}
   * @param scores filled with {@link #classes()} logits
   */
  void scores(float[] params, float[] x, int offset, float[] scores);

  /**
   * The model a {@code --model} name stands for.
   *
   * @param name {@code mlp} (784-H-10 perceptron, one hidden ReLU layer) or {@code logreg}
   *     (multinomial logistic regression); case-insensitive
   * @param inputs input values per example
   * @param classes number of classes
   * @param hidden hidden units of the MLP (100 by default)
   * @return the model
   * @throws IllegalArgumentException for another name
   */
  static Model named(String name, int inputs, int classes, int hidden) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mlp" -> new Mlp(inputs, hidden, classes);
      case "logreg" -> new LogisticRegression(inputs, classes);
      default -> throw new IllegalArgumentException("unknown model '" + name + "': use mlp or logreg");
    };
  }

  /**
   * Softmax cross-entropy in place: turns {@code scores} into probabilities and returns
   * {@code -ln p[label]}.
   */
  static double softmaxLoss(float[] scores, int label) {
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int c = 0; c < scores.length; c++) {
      double e = Math.exp(scores[c] - max);
      scores[c] = (float) e;
      sum += e;
    }
    for (int c = 0; c < scores.length; c++) {
      scores[c] = (float) (scores[c] / sum);
    }
    return -Math.log(Math.max(scores[label], 1e-30));
  }

  /** Uniform values in {@code [-limit, limit]} into {@code a[from, to)}. */
  static void uniform(float[] a, int from, int to, double limit, SplittableRandom random) {
    for (int i = from; i < to; i++) {
      a[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
  }
}
