package dev.sonde.agent.values;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a value reads in a log line (protocol/conformance/values.json), read from its data, never through
 * the program's own methods: no toString, equals, hashCode or getter of the program's classes runs.
 * Strings, boxed numbers, arrays, and the JDK's own collections and maps read as text, lists and maps; any
 * other object reads as its class name and its fields (Fields). Cut at 255 UTF-16 units, marked with ….
 */
public final class Values {
  public static final int MAX_VALUE_CHARS = 255;
  /** Levels of collections shown: the value itself is level 0, a collection at this level is named. */
  public static final int MAX_DEPTH = 3;
  public static final int MAX_FIELDS = 20;
  public static final int MAX_ITEMS = 100;
  public static final String CUT_MARK = "\u2026";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  private Values() {}

  /** Enough text to know the value is cut: stop reading it. */
  private static final class Full extends RuntimeException {
    Full() {
      super(null, null, false, false);
    }
  }

  /** A JDK collection or map this class iterates, whose methods run only the JDK's code. */
  public static boolean readsAsCollection(Object v) {
    return JdkTypes.readsItems(v) || JdkTypes.readsEntries(v);
  }

  public static String render(Object value) {
    if (value instanceof String s && s.length() <= MAX_VALUE_CHARS / 2) return s;
    // The commonest leaves, without the general walk: this runs on every hit.
    if (value instanceof Integer || value instanceof Long || value instanceof Boolean || value instanceof Short || value instanceof Byte) return value.toString();
    StringBuilder out = new StringBuilder();
    try {
      write(out, value, 0, false);
    } catch (Full ignored) {
      // cut below
    }
    return cut(out.toString());
  }

  /** The text cut to MAX_VALUE_CHARS code units, never inside a surrogate pair, marked when cut. */
  public static String cut(String text) {
    if (text.length() <= MAX_VALUE_CHARS) return text;
    int keep = MAX_VALUE_CHARS;
    if (Character.isHighSurrogate(text.charAt(keep - 1))) keep--;
    return text.substring(0, keep) + CUT_MARK;
  }

  private static void add(StringBuilder out, String text) {
    out.append(text);
    if (out.length() > MAX_VALUE_CHARS + 1) throw new Full();
  }

  static void write(StringBuilder out, Object v, int depth, boolean quoted) {
    if (v == null) add(out, "null");
    else if (v instanceof String s) add(out, quoted ? quote(s) : s);
    else if (v instanceof Character c) add(out, quoted ? quote(c.toString()) : c.toString());
    else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) add(out, v.toString());
    else if (v instanceof Double d) add(out, number(d));
    else if (v instanceof Float f) add(out, f.isNaN() || f.isInfinite() ? number(f.doubleValue()) : number(Float.toString(f)));
    else if (v.getClass().isArray()) array(out, v, depth);
    else if (JdkTypes.readsItems(v)) items(out, ((Collection<?>) v), depth);
    else if (JdkTypes.readsEntries(v)) map(out, (Map<?, ?>) v, depth);
    else if (JdkTypes.readsAsText(v)) add(out, quoted ? quote(JdkTypes.text(v)) : JdkTypes.text(v));
    else object(out, v, depth);
  }

  private static String number(double d) {
    if (Double.isNaN(d)) return "NaN";
    if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
    return number(Double.toString(d));
  }

  /** Java's shortest text for a double, in the plain notation every agent writes below 1e21 (1.0E10 → 10000000000.0). */
  private static String number(String javaText) {
    int e = javaText.indexOf('E');
    if (e < 0) return javaText;
    java.math.BigDecimal exact = new java.math.BigDecimal(javaText);
    if (exact.abs().compareTo(new java.math.BigDecimal("1e21")) >= 0 || exact.abs().compareTo(new java.math.BigDecimal("1e-7")) < 0) return javaText.replace("E", "e");
    String plain = exact.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  static String quote(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> q.append("\\\\");
        case '\'' -> q.append("\\'");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        default -> q.append(c);
      }
      if (q.length() > MAX_VALUE_CHARS + 2) break;
    }
    return q.append('\'').toString();
  }

  private static void array(StringBuilder out, Object array, int depth) {
    if (depth >= MAX_DEPTH) {
      add(out, "[Array]");
      return;
    }
    int n = Array.getLength(array);
    if (n == 0) {
      add(out, "[]");
      return;
    }
    add(out, "[ ");
    for (int i = 0; i < n; i++) {
      if (i == MAX_ITEMS) {
        add(out, ", " + CUT_MARK + " " + (n - MAX_ITEMS) + " more");
        break;
      }
      if (i > 0) add(out, ", ");
      write(out, Array.get(array, i), depth + 1, true);
    }
    add(out, " ]");
  }

  private static void items(StringBuilder out, Collection<?> items, int depth) {
    if (depth >= MAX_DEPTH) {
      add(out, "[Array]");
      return;
    }
    int n = items.size();
    if (n == 0) {
      add(out, "[]");
      return;
    }
    add(out, "[ ");
    int i = 0;
    for (Object item : items) {
      if (i == MAX_ITEMS) {
        add(out, ", " + CUT_MARK + " " + (n - MAX_ITEMS) + " more");
        break;
      }
      if (i++ > 0) add(out, ", ");
      write(out, item, depth + 1, true);
    }
    add(out, " ]");
  }

  private static void map(StringBuilder out, Map<?, ?> map, int depth) {
    if (depth >= MAX_DEPTH) {
      add(out, "[Object]");
      return;
    }
    List<Map.Entry<String, Object>> pairs = new java.util.ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (pairs.size() > MAX_FIELDS) break;
      pairs.add(new java.util.AbstractMap.SimpleImmutableEntry<>(keyText(e.getKey()), e.getValue()));
    }
    fields(out, pairs, map.size(), depth, "");
  }

  static String keyText(Object key) {
    if (key instanceof String s) return IDENTIFIER.matcher(s).matches() ? s : quote(s);
    StringBuilder out = new StringBuilder();
    try {
      write(out, key, MAX_DEPTH, true);
    } catch (Full ignored) {
      // cut as it is
    }
    return out.toString();
  }

  static void fields(StringBuilder out, List<Map.Entry<String, Object>> fields, int total, int depth, String prefix) {
    if (total == 0) {
      add(out, prefix + "{}");
      return;
    }
    add(out, prefix + "{ ");
    int n = 0;
    for (Map.Entry<String, Object> f : fields) {
      if (n == MAX_FIELDS) {
        add(out, ", " + CUT_MARK + " " + (total - MAX_FIELDS) + " more");
        break;
      }
      if (n++ > 0) add(out, ", ");
      add(out, f.getKey() + ": ");
      write(out, f.getValue(), depth + 1, true);
    }
    add(out, " }");
  }

  private static void object(StringBuilder out, Object v, int depth) {
    String name = JdkTypes.className(v.getClass());
    if (depth >= MAX_DEPTH) {
      add(out, "[" + name + "]");
      return;
    }
    Fields.Read read = Fields.of(v, MAX_FIELDS + 1);
    if (read == null) add(out, "<" + name + ": not read>");
    else fields(out, read.fields(), read.total(), depth, name + " ");
  }
}
