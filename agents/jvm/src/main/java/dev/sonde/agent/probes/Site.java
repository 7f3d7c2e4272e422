package dev.sonde.agent.probes;

import java.util.List;

/**
 * One place a probe's call goes: a line of one method of one class, and how the probe's names read
 * there. ``locals`` are the names the injected code passes (after {@code this}, when ``hasThis``), in order;
 * the other names are fields of {@code this} or static fields of the class, read when the probe fires.
 */
public final class Site {
  public final Probe probe;
  public final String className;
  public final String method;
  public final int line;
  public final boolean hasThis;
  public final List<Local> locals;
  private final ClassLoader loader;
  private volatile Class<?> owner;
  int id = -1;
  /** The line number in the class's bytecode where the call goes: the source line, or a copy of it an inline function left (SMAP). */
  public volatile int bytecodeLine;
  /** A whole-method tic-toc's entry site: its exit site (released with it). */
  volatile Site pair;
  /** The end of a tic-toc's span (its toc): no condition, no values. */
  volatile boolean end;
  /** The probe's condition is in the bytecode (InlineCondition): the hit comes only when it holds. */
  volatile boolean conditionInlined;
  /** A held site's method was entered again since (the debugger saw the call): time to hand over to the bytecode. */
  public volatile boolean reentered;
  /** Left out of the bytecode: its method is running now, and the debugger fallback serves it. */
  public volatile boolean held;

  /** The source path of the site's class (its package folders and SourceFile), set by the engine. */
  volatile String source = "";

  String source() {
    return source;
  }

  /** A local variable the injected code loads: its name, slot and JVM type descriptor. */
  public record Local(String name, int slot, String descriptor) {}

  public Site(Probe probe, String className, ClassLoader loader, String method, int line, boolean hasThis, List<Local> locals) {
    this.probe = probe;
    this.loader = loader;
    this.className = className;
    this.method = method;
    this.line = line;
    this.hasThis = hasThis;
    this.locals = List.copyOf(locals);
  }

  private volatile int[] slots;

  /** For each expression, the index in the passed values when it is a bare name of a passed local, else -1 (computed once). */
  int[] slotsOf(dev.sonde.agent.expr.Node[] expressions) {
    int[] s = slots;
    if (s == null) {
      s = new int[expressions.length];
      int base = hasThis ? 1 : 0;
      for (int i = 0; i < expressions.length; i++) {
        s[i] = -1;
        if (expressions[i] instanceof dev.sonde.agent.expr.Node.Name n) {
          for (int k = 0; k < locals.size(); k++) if (locals.get(k).name().equals(n.name())) s[i] = base + k;
        }
      }
      slots = s;
    }
    return s;
  }

  public int id() {
    return id;
  }

  /** The class the site is in: found by name from its loader when a probe first reads a static field (it has loaded by then: its code runs). */
  Class<?> owner() {
    Class<?> c = owner;
    if (c == null) {
      try {
        c = owner = Class.forName(className, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        return null;
      }
    }
    return c;
  }
}
