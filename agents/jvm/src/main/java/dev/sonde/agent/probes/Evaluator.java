package dev.sonde.agent.probes;

import dev.sonde.agent.expr.Node;
import dev.sonde.agent.values.Fields;
import dev.sonde.agent.values.Values;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a checked expression at a hit, on Java's rules for numbers and strings. Reads only: locals,
 * fields (never a getter), array and JDK list or map items, and the few JDK calls the parser allows, on
 * JDK receivers only. No code of the program runs.
 */
final class Evaluator {
  /** Why an expression could not be evaluated at this hit. */
  static final class EvalError extends Exception {
    EvalError(String message) {
      super(message, null, false, false);
    }
  }

  /** The longest string a probe's + builds: a probe never allocates without bound. */
  static final int MAX_STRING = 1 << 20;

  private final Site site;
  private final Object[] values;
  private final Scope scope;

  Evaluator(Site site, Object[] values, Scope scope) {
    this.site = site;
    this.values = values;
    this.scope = scope;
  }

  Object eval(Node node) throws EvalError {
    if (node instanceof Node.Literal l) return l.value();
    if (node instanceof Node.Name n) return scope.name(site, values, n.name());
    if (node instanceof Node.This) return scope.self(site, values);
    if (node instanceof Node.Field f) return field(eval(f.target()), f.name());
    if (node instanceof Node.Index i) return index(eval(i.target()), eval(i.index()));
    if (node instanceof Node.Call c) return call(eval(c.target()), c.name(), c.args().isEmpty() ? null : eval(c.args().get(0)));
    if (node instanceof Node.Unary u) return unary(u.op(), eval(u.operand()));
    if (node instanceof Node.Conditional c) return truth(eval(c.test()), "the condition of ?:") ? eval(c.then()) : eval(c.otherwise());
    Node.Binary b = (Node.Binary) node;
    if (b.op().equals("&&")) return truth(eval(b.left()), "&&") && truth(eval(b.right()), "&&");
    if (b.op().equals("||")) return truth(eval(b.left()), "||") || truth(eval(b.right()), "||");
    return binary(b.op(), eval(b.left()), eval(b.right()));
  }

  static boolean truth(Object v, String what) throws EvalError {
    if (v instanceof Boolean b) return b;
    throw new EvalError(what + " needs a boolean, not " + describe(v));
  }

  private static String describe(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName() + " " + Values.render(v);
  }

  private static Object field(Object target, String name) throws EvalError {
    if (target == null) throw new EvalError("cannot read ." + name + " of null");
    if (target.getClass().isArray() && name.equals("length")) return Array.getLength(target);
    Object v = Fields.field(target, name);
    if (v == Fields.NOT_FOUND) throw new EvalError(target.getClass().getSimpleName() + " has no field " + name + " (a probe reads fields, never getters)");
    return v;
  }

  private static Object index(Object target, Object key) throws EvalError {
    if (target == null) throw new EvalError("cannot index null");
    if (target.getClass().isArray()) {
      int i = intIndex(key);
      int n = Array.getLength(target);
      if (i < 0 || i >= n) throw new EvalError("index " + i + " is out of bounds for length " + n);
      return Array.get(target, i);
    }
    if (target instanceof String s) {
      int i = intIndex(key);
      if (i < 0 || i >= s.length()) throw new EvalError("index " + i + " is out of bounds for length " + s.length());
      return s.charAt(i);
    }
    if (target instanceof List<?> list && JdkCalls.readable(target)) {
      int i = intIndex(key);
      if (i < 0 || i >= list.size()) throw new EvalError("index " + i + " is out of bounds for size " + list.size());
      return list.get(i);
    }
    if (target instanceof Map<?, ?> map && JdkCalls.readable(target)) {
      if (!JdkCalls.jdkKey(key)) throw new EvalError("a map is read only with a string, number, boolean or enum key: " + describe(key) + " would run the program's hashCode and equals");
      return map.get(key);
    }
    throw new EvalError(target.getClass().getSimpleName() + " cannot be indexed by a probe (arrays, strings and the JDK's lists and maps can)");
  }

  private static int intIndex(Object key) throws EvalError {
    if (key instanceof Integer || key instanceof Short || key instanceof Byte) return ((Number) key).intValue();
    if (key instanceof Long l && l == l.intValue()) return l.intValue();
    throw new EvalError("an index must be a whole number, not " + describe(key));
  }

  private static Object call(Object target, String name, Object arg) throws EvalError {
    if (target == null) throw new EvalError("cannot call " + name + "() on null");
    switch (name) {
      case "length":
        if (target instanceof String s) return s.length();
        break;
      case "charAt":
        if (target instanceof String s) return index(s, arg);
        break;
      case "size":
        if (target instanceof Collection<?> c && JdkCalls.readable(target)) return c.size();
        if (target instanceof Map<?, ?> m && JdkCalls.readable(target)) return m.size();
        break;
      case "isEmpty":
        if (target instanceof String s) return s.isEmpty();
        if (target instanceof Collection<?> c && JdkCalls.readable(target)) return c.isEmpty();
        if (target instanceof Map<?, ?> m && JdkCalls.readable(target)) return m.isEmpty();
        break;
      default:
        break;
    }
    throw new EvalError(name + "() is refused on " + target.getClass().getName() + ": a probe calls it only on the JDK's strings, lists and maps, never on the program's classes");
  }

  private static Object unary(String op, Object v) throws EvalError {
    switch (op) {
      case "!":
        return !truth(v, "!");
      case "-":
        if (v instanceof Integer i) return -i;
        if (v instanceof Long l) return -l;
        if (v instanceof Double d) return -d;
        if (v instanceof Float f) return -f;
        if (v instanceof Short || v instanceof Byte || v instanceof Character) return -Numbers.asInt(v);
        break;
      case "+":
        if (Numbers.isNumber(v)) return Numbers.promote(v);
        break;
      case "~":
        if (v instanceof Long l) return ~l;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof Character) return ~Numbers.asInt(v);
        break;
      default:
        break;
    }
    throw new EvalError(op + " does not apply to " + describe(v));
  }

  private static Object binary(String op, Object a, Object b) throws EvalError {
    if (op.equals("+") && (a instanceof String || b instanceof String)) {
      String x = text(a), y = text(b);
      if ((long) x.length() + y.length() > MAX_STRING) throw new EvalError("+ would build a string of " + ((long) x.length() + y.length()) + " characters; a probe builds at most " + MAX_STRING);
      return x + y;
    }
    if (op.equals("==") || op.equals("!=")) return same(a, b) == op.equals("==");
    if (a instanceof Boolean x && b instanceof Boolean y) {
      switch (op) {
        case "&": return x & y;
        case "|": return x | y;
        case "^": return x ^ y;
        default: break;
      }
    }
    if (!Numbers.isNumber(a) || !Numbers.isNumber(b)) throw new EvalError(op + " does not apply to " + describe(a) + " and " + describe(b));
    return Numbers.apply(op, a, b);
  }

  private static String text(Object v) {
    return v instanceof String s ? s : Values.render(v);
  }

  /** == as a reader means it: numbers by value, strings and boxed values by content, other objects by identity. */
  private static boolean same(Object a, Object b) {
    if (a == b) return true;
    if (a == null || b == null) return false;
    if (Numbers.isNumber(a) && Numbers.isNumber(b)) return Numbers.compare(a, b) == 0;
    if (a instanceof String || a instanceof Boolean || a instanceof Enum<?>) return a.equals(b);
    return false;
  }
}
