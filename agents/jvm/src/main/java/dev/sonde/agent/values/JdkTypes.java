package dev.sonde.agent.values;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Which JDK classes a probe reads through their own methods: only those whose code is the JDK's alone.
 * A collection that wraps another (Collections.unmodifiableList of the program's list) would run the
 * wrapped one's code, so only the listed implementations are iterated.
 */
final class JdkTypes {
  private JdkTypes() {}

  private static final Set<String> ITERABLE = Set.of(
      "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.Vector", "java.util.Stack",
      "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.PriorityQueue", "java.util.Arrays$ArrayList",
      "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$SetN",
      "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SubList", "java.util.Collections$EmptyList",
      "java.util.Collections$EmptySet", "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
      "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.ConcurrentLinkedQueue", "java.util.concurrent.ConcurrentLinkedDeque",
      "java.util.concurrent.LinkedBlockingQueue", "java.util.concurrent.ArrayBlockingQueue", "java.util.concurrent.CopyOnWriteArraySet");
  private static final Set<String> MAPS = Set.of(
      "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.Hashtable", "java.util.IdentityHashMap",
      "java.util.ImmutableCollections$MapN", "java.util.ImmutableCollections$Map1", "java.util.Collections$EmptyMap",
      "java.util.Collections$SingletonMap", "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap");

  static boolean isJdk(Class<?> c) {
    return c.getClassLoader() == null && (c.getName().startsWith("java.") || c.getName().startsWith("javax."));
  }

  static boolean readsItems(Object v) {
    return v instanceof Collection<?> && ITERABLE.contains(v.getClass().getName());
  }

  static boolean readsEntries(Object v) {
    return v instanceof Map<?, ?> && MAPS.contains(v.getClass().getName());
  }

  /** JDK values whose text is the JDK's own (an enum's name, a BigDecimal, a date): read as text. */
  static boolean readsAsText(Object v) {
    Class<?> c = v.getClass();
    if (v instanceof Enum<?> || v instanceof Class<?>) return true;
    if (!isJdk(c)) return false;
    String n = c.getName();
    return n.startsWith("java.time.") || n.equals("java.math.BigDecimal") || n.equals("java.math.BigInteger") || n.equals("java.util.UUID")
        || n.startsWith("java.util.concurrent.atomic.Atomic") && !n.endsWith("Array") && !n.endsWith("Reference");
  }

  static String text(Object v) {
    if (v instanceof Enum<?> e) return e.name(); // final: a program's enum cannot override it
    if (v instanceof Class<?> c) return "<class " + className(c) + ">";
    if (v instanceof java.math.BigInteger b && b.bitLength() > 4096) return "<BigInteger of " + b.bitLength() + " bits, too long to print>";
    return v.toString();
  }

  /** The class's name after its package, nested classes joined with a dot: Outer.Inner. */
  static String className(Class<?> c) {
    if (c.isArray()) return className(c.getComponentType()) + "[]";
    String name = c.getName();
    int dot = name.lastIndexOf('.');
    String simple = dot >= 0 ? name.substring(dot + 1) : name;
    return c.isAnonymousClass() || c.isSynthetic() ? simple : simple.replace('$', '.');
  }
}
