package dev.sonde.agent.values;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An object's instance fields, read by reflection (no getter runs): its class's first, then its superclasses'. */
public final class Fields {
  private Fields() {}

  public record Read(List<Map.Entry<String, Object>> fields, int total) {}

  private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> type) {
      List<Field> out = new ArrayList<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
          try {
            f.setAccessible(true);
          } catch (RuntimeException closed) {
            return null; // a JDK class its module keeps closed: its fields are not ours to read
          }
          out.add(f);
        }
      }
      return List.copyOf(out);
    }
  };

  /** Up to ``limit`` fields and how many there are; null when the class's fields cannot be read. */
  public static Read of(Object v, int limit) {
    List<Field> fields = FIELDS.get(v.getClass());
    if (fields == null) return null;
    List<Map.Entry<String, Object>> out = new ArrayList<>();
    for (Field f : fields) {
      if (out.size() >= limit) break;
      Object value;
      try {
        value = f.get(v);
      } catch (IllegalAccessException e) {
        value = "<not read>";
      }
      out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(f.getName(), value));
    }
    return new Read(out, fields.size());
  }

  /** The value of the named instance field of ``v`` (its class's or a superclass's); NOT_FOUND when it has none. */
  public static Object field(Object v, String name) {
    List<Field> fields = FIELDS.get(v.getClass());
    if (fields == null) return NOT_FOUND;
    for (Field f : fields) {
      if (f.getName().equals(name)) {
        try {
          return f.get(v);
        } catch (IllegalAccessException e) {
          return NOT_FOUND;
        }
      }
    }
    return NOT_FOUND;
  }

  public static final Object NOT_FOUND = new Object();
}
