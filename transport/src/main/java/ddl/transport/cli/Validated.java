package ddl.transport.cli;

/**
 * Options (a command or a mixin) that check their values together after parsing; an
 * {@link IllegalArgumentException} from {@link #validate} becomes a usage error.
 */
public interface Validated {
  void validate();
}
