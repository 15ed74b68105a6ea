package ddl.train.feed;

/**
 * How a run's batches are streamed.
 *
 * @param batch rows per batch
 * @param seed the run's seed (batch order and augmentation)
 * @param stepsPerEpoch the steps every worker takes in an epoch (asked when the feed enters an epoch)
 * @param epochs epochs of the whole run: the feed ends after the last
 * @param prefetch batches sent to a worker and not yet taken, at most
 * @param augmentation what is done to the images on the way
 * @param imageWidth the images' width in pixels (for augmentation)
 * @param imageHeight the images' height in pixels
 * @param waitMillis how long a worker holds a push's reply waiting for room
 */
public record FeedPlan(int batch, long seed, java.util.function.IntSupplier stepsPerEpoch, int epochs, int prefetch,
    Augmentation augmentation, int imageWidth, int imageHeight, long waitMillis) {}
