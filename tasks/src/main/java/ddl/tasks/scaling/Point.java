package ddl.tasks.scaling;

/**
 * One measured configuration of sync SGD, its medians in seconds: what the cost model takes as given
 * (compute and the master's own work) and the step time it must predict.
 *
 * @param link the link every host had, by its name (such as {@code 1gbit})
 * @param workers N
 * @param allreduce how gradients were averaged
 * @param step wall time of one step, from the master's request to the last reply
 * @param compute the slowest worker's forward and backward in a step
 * @param master the master's own work in a step (averaging and packing, master allreduce only)
 */
public record Point(String link, int workers, Allreduce allreduce, double step, double compute, double master) {}
