package ddl.train.data;

/**
 * Thrown when a data set's folder or one of its files is not there or not intact; the message is one line that
 * says which and what to run. It is an {@link IllegalArgumentException}, so task mains print it as a usage error.
 */
public final class DatasetMissingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which folder or file is missing or damaged and how to install or point to it
     */
    public DatasetMissingException(String message) {
        super(message);
    }
}
