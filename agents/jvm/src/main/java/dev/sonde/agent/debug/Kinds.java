package dev.sonde.agent.debug;

/** How a value travels from the debugger to the probe entry: as an object, a long, or a double, by its JVM type. */
public final class Kinds {
  private Kinds() {}

  public static final int OBJECT = 0, BOOLEAN = 1, CHAR = 2, INT = 3, LONG = 4, FLOAT = 5, DOUBLE = 6, SHORT_OR_BYTE = 7;

  /** The kind of a local of this type descriptor (a byte and a short travel as an int, their value is the same). */
  static int of(String descriptor) {
    return switch (descriptor.charAt(0)) {
      case 'Z' -> BOOLEAN;
      case 'C' -> CHAR;
      case 'B', 'S', 'I' -> INT;
      case 'J' -> LONG;
      case 'F' -> FLOAT;
      case 'D' -> DOUBLE;
      default -> OBJECT;
    };
  }

  public static Object box(int kind, Object o, long l, double d) {
    return switch (kind) {
      case BOOLEAN -> l != 0;
      case CHAR -> (char) l;
      case INT -> (int) l;
      case LONG -> l;
      case FLOAT -> (float) d;
      case DOUBLE -> d;
      default -> o;
    };
  }
}
