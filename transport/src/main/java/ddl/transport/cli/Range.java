package ddl.transport.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a numeric option accepts, checked by {@link CommandLines#parse} on the option's field:
 * {@code @Option(names = "--lr") @Range(above = 0, max = 10) double lr}. NaN is always refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Range {
  /** Smallest value allowed. */
  double min() default Double.NEGATIVE_INFINITY;

  /** Values must be greater than this (for bounds such as "more than 0"). */
  double above() default Double.NEGATIVE_INFINITY;

  /** Largest value allowed. */
  double max() default Double.POSITIVE_INFINITY;

  /** Values must be less than this. */
  double below() default Double.POSITIVE_INFINITY;
}
