package dev.sonde.agent.probes;

/** Java's binary numeric promotion and operators on boxed values: int, long, float, double (char, short, byte as int). */
final class Numbers {
  private Numbers() {}

  static boolean isNumber(Object v) {
    return v instanceof Number && (v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Float || v instanceof Short || v instanceof Byte) || v instanceof Character;
  }

  static int asInt(Object v) {
    return v instanceof Character c ? c : ((Number) v).intValue();
  }

  static Object promote(Object v) {
    return v instanceof Character || v instanceof Short || v instanceof Byte ? (Object) asInt(v) : v;
  }

  private static int rank(Object v) {
    if (v instanceof Double) return 3;
    if (v instanceof Float) return 2;
    if (v instanceof Long) return 1;
    return 0;
  }

  static int compare(Object a, Object b) {
    int r = Math.max(rank(a), rank(b));
    if (r >= 2) return Double.compare(d(a), d(b));
    return Long.compare(l(a), l(b));
  }

  private static double d(Object v) {
    return v instanceof Character c ? c : ((Number) v).doubleValue();
  }

  private static long l(Object v) {
    return v instanceof Character c ? c : ((Number) v).longValue();
  }

  static Object apply(String op, Object a, Object b) throws Evaluator.EvalError {
    int r = Math.max(rank(a), rank(b));
    switch (op) {
      case "<": return compare(a, b) < 0;
      case ">": return compare(a, b) > 0;
      case "<=": return compare(a, b) <= 0;
      case ">=": return compare(a, b) >= 0;
      default: break;
    }
    if (r == 3 || r == 2) {
      double x = d(a), y = d(b), v;
      switch (op) {
        case "+": v = x + y; break;
        case "-": v = x - y; break;
        case "*": v = x * y; break;
        case "/": v = x / y; break;
        case "%": v = x % y; break;
        default: throw new Evaluator.EvalError(op + " does not apply to floating-point numbers");
      }
      return r == 3 ? (Object) v : (Object) (float) v;
    }
    long x = l(a), y = l(b), v;
    boolean wide = r == 1;
    switch (op) {
      case "+": v = x + y; break;
      case "-": v = x - y; break;
      case "*": v = x * y; break;
      case "/":
        if (y == 0) throw new Evaluator.EvalError("/ by zero");
        v = x / y;
        break;
      case "%":
        if (y == 0) throw new Evaluator.EvalError("% by zero");
        v = x % y;
        break;
      case "&": v = x & y; break;
      case "|": v = x | y; break;
      case "^": v = x ^ y; break;
      case "<<": return wide ? (Object) (x << y) : (Object) ((int) x << y);
      case ">>": return wide ? (Object) (x >> y) : (Object) ((int) x >> y);
      case ">>>": return wide ? (Object) (x >>> y) : (Object) ((int) x >>> y);
      default: throw new Evaluator.EvalError("unknown operator " + op);
    }
    return wide ? (Object) v : (Object) (int) v;
  }
}
