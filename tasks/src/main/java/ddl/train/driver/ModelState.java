package ddl.train.driver;

/**
 * A replica's whole state: its weights and its optimizer's velocity (for checkpoints, and to bring
 * a rejoining worker up to date).
 */
public record ModelState(float[][] weights, float[][] velocity) {
  /** A deep copy. */
  public ModelState copy() {
    return new ModelState(FloatArrays.copy(weights), FloatArrays.copy(velocity));
  }
}
