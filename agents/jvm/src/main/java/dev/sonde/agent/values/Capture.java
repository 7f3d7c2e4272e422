package dev.sonde.agent.values;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One snapshot's trees of values, under the capture limits (depth 3, 20 fields, 100 items, strings of
 * 255 characters, 32 KiB in all by default): leaves read as a log line reads them, containers as their
 * children, cut where a limit is reached and marked. Read from the data, as Values reads it.
 */
public final class Capture {
  public record Limits(int depth, int fields, int items, int stringLength, int bytes) {
    public static final Limits DEFAULT = new Limits(3, 20, 100, 255, 32 * 1024);

    /** An action's limits: a zero (or what is not positive) keeps each default. */
    public static Limits of(int depth, int fields, int items, int stringLength, int bytes) {
      Limits d = DEFAULT;
      return new Limits(depth > 0 ? depth : d.depth, fields > 0 ? fields : d.fields, items > 0 ? items : d.items, stringLength > 0 ? stringLength : d.stringLength, bytes > 0 ? bytes : d.bytes);
    }
  }

  /** A captured value: name, type, its text, its children, and whether (and how much) was left out. */
  public record Variable(String name, String type, String value, List<Variable> children, boolean truncated, int left) {}

  private final Limits limits;
  private int used;
  private boolean cut;
  private final Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());

  private final Redaction redaction;

  public Capture(Limits limits) {
    this(limits, new Redaction());
  }

  public Capture(Limits limits, Redaction redaction) {
    this.limits = limits;
    this.redaction = redaction;
  }

  /** Whether the byte budget cut the capture short. */
  public boolean cut() {
    return cut;
  }

  public Variable variable(String name, Object value) {
    return variable(name, value, 0);
  }

  private Variable variable(String name, Object v, int depth) {
    String type = v == null ? "null" : JdkTypes.className(v.getClass());
    if (used >= limits.bytes()) {
      cut = true;
      return new Variable(name, type, "", List.of(), true, 0);
    }
    if (redaction.sensitiveName(name)) return leaf(name, type, Redaction.REDACTED, false, 0);
    if (v instanceof String s) {
      s = redaction.redactText(s);
      boolean over = s.length() > limits.stringLength();
      String text = over ? s.substring(0, Character.isHighSurrogate(s.charAt(limits.stringLength() - 1)) ? limits.stringLength() - 1 : limits.stringLength()) + Values.CUT_MARK : s;
      return leaf(name, "String", text, over, over ? s.length() - text.length() + 1 : 0);
    }
    if (v == null || leafType(v)) return leaf(name, type, Values.render(v), false, 0);
    if (open.contains(v)) return leaf(name, type, "[Circular]", false, 0);
    if (depth >= limits.depth()) return new Variable(name, type, summary(v), List.of(), true, 0);
    open.add(v);
    try {
      return container(name, type, v, depth);
    } finally {
      open.remove(v);
    }
  }

  private static boolean leafType(Object v) {
    return v instanceof Number || v instanceof Boolean || v instanceof Character || v instanceof Enum<?> || v instanceof Class<?> || JdkTypes.readsAsText(v);
  }

  private Variable leaf(String name, String type, String text, boolean truncated, int left) {
    used += name.length() + text.length() + 16;
    return new Variable(name, type, text, List.of(), truncated, left);
  }

  private static String summary(Object v) {
    String type = JdkTypes.className(v.getClass());
    if (v.getClass().isArray()) return type.replace("[]", "") + "[" + Array.getLength(v) + "]";
    if (JdkTypes.readsItems(v)) return type + "(" + ((Collection<?>) v).size() + ")";
    if (JdkTypes.readsEntries(v)) return type + "(" + ((Map<?, ?>) v).size() + ")";
    return type + " {\u2026}";
  }

  private Variable container(String name, String type, Object v, int depth) {
    List<Map.Entry<String, Object>> entries = new ArrayList<>();
    int total;
    if (v.getClass().isArray()) {
      total = Array.getLength(v);
      for (int i = 0; i < total && i < limits.items(); i++) entries.add(Map.entry(String.valueOf(i), box(Array.get(v, i))));
    } else if (JdkTypes.readsItems(v)) {
      Collection<?> c = (Collection<?>) v;
      total = c.size();
      int i = 0;
      for (Object item : c) {
        if (i >= limits.items()) break;
        entries.add(new java.util.AbstractMap.SimpleImmutableEntry<>(String.valueOf(i++), item));
      }
    } else if (JdkTypes.readsEntries(v)) {
      Map<?, ?> m = (Map<?, ?>) v;
      total = m.size();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (entries.size() >= limits.fields()) break;
        entries.add(new java.util.AbstractMap.SimpleImmutableEntry<>(Values.keyText(e.getKey()), e.getValue()));
      }
    } else {
      Fields.Read read = Fields.of(v, limits.fields());
      if (read == null) return leaf(name, type, "<" + type + ": not read>", false, 0);
      entries.addAll(read.fields());
      total = read.total();
    }
    Variable node = new Variable(name, type, summary(v), new ArrayList<>(), false, 0);
    used += name.length() + node.value().length() + 16;
    for (Map.Entry<String, Object> e : entries) {
      if (used >= limits.bytes()) {
        cut = true;
        break;
      }
      node.children().add(variable(e.getKey(), e.getValue(), depth + 1));
    }
    int shown = node.children().size();
    return shown < total ? new Variable(name, type, node.value(), node.children(), true, total - shown) : node;
  }

  private static Object box(Object v) {
    return v;
  }
}
