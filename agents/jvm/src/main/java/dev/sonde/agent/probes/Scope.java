package dev.sonde.agent.probes;

import dev.sonde.agent.values.Fields;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.ConcurrentHashMap;

/** How a site's names read at a hit: a local passed by the injected code, a field of {@code this}, or a static field of the class. */
final class Scope {
  private static final Object ABSENT = new Object();
  private final ConcurrentHashMap<String, Object> statics = new ConcurrentHashMap<>();

  /** The value of ``name`` at this hit; throws EvalError saying what the name is not. */
  Object name(Site site, Object[] values, String name) throws Evaluator.EvalError {
    int base = site.hasThis ? 1 : 0;
    for (int i = 0; i < site.locals.size(); i++) if (site.locals.get(i).name().equals(name)) return values[base + i];
    if (site.hasThis && values[0] != null) {
      Object f = Fields.field(values[0], name);
      if (f != Fields.NOT_FOUND) return f;
    }
    Class<?> owner = site.owner();
    Object field = owner == null ? ABSENT : statics.computeIfAbsent(name, n -> staticField(owner, n));
    if (field instanceof Field f) {
      try {
        return f.get(null);
      } catch (IllegalAccessException e) {
        throw new Evaluator.EvalError("the static field " + name + " cannot be read: " + e.getMessage());
      }
    }
    throw new Evaluator.EvalError(name + " is not a local variable in scope at " + site.className + ":" + site.line + (site.hasThis ? ", a field of this," : "") + " or a static field of " + site.className);
  }

  Object self(Site site, Object[] values) throws Evaluator.EvalError {
    if (!site.hasThis) throw new Evaluator.EvalError("there is no this in " + site.method + " (a static method, or a constructor before its super call)");
    return values[0];
  }

  /** A static field of the class or its superclasses (Kotlin keeps a companion's and a file's top-level properties there). */
  private static Object staticField(Class<?> owner, String name) {
    for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        if (Modifier.isStatic(f.getModifiers())) {
          f.setAccessible(true);
          return f;
        }
      } catch (NoSuchFieldException | RuntimeException ignored) {
        // look further up
      }
    }
    return ABSENT;
  }
}
