package ddl.tasks.data;

/** Thrown when a data set's folder or one of its files is not there; the message says how to get it. */
public final class DatasetMissingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which folder or file is missing and how to install or point to it
     */
    public DatasetMissingException(String message) {
        super(message);
    }
}
