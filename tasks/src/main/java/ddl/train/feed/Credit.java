package ddl.train.feed;

/**
 * A worker's answer to a {@link Push}: how many batches of feed {@code generation} its replica has
 * taken so far. The feed may have at most {@code --prefetch} batches sent and not yet taken.
 *
 * @param generation the feed start it counts for (an older one's credit is ignored)
 * @param taken batches taken out of the buffer since that start
 */
public record Credit(long generation, long taken) {}
