package ddl.transport;

/** config.yml is missing, malformed, or has a bad value; the message names the file and key. */
public class ConfigException extends DdlException {
  public ConfigException(String message) {
    super(message);
  }
}
