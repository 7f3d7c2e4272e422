package dev.sonde.agent.probes;

/** Which receivers and keys a probe may hand to the JDK's own code (never to code the program could have written). */
final class JdkCalls {
  private JdkCalls() {}

  /** A JDK collection or map whose methods run only the JDK's code (not a wrapper around the program's own). */
  static boolean readable(Object v) {
    return dev.sonde.agent.values.Values.readsAsCollection(v);
  }

  /** A key whose hashCode and equals are the JDK's: a string, a boxed number or boolean, a char, an enum. */
  static boolean jdkKey(Object key) {
    return key == null || key instanceof String || key instanceof Boolean || key instanceof Character || key instanceof Enum<?>
        || key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte;
  }
}
