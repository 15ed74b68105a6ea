package ddl.train.data;

/** Thrown when a file is not a well-formed IDX file; the message names the file and the fault. */
public final class IdxFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the file and what to do about it
     */
    public IdxFormatException(String message) {
        super(message);
    }
}
