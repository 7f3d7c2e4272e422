package dev.sonde.agent.probes;

/** Defines a class from rewritten bytes in a loader of its own (so the JVM verifies them), its other classes from the tests' loader. */
final class RewrittenClass {
  private RewrittenClass() {}

  static Class<?> load(Class<?> original, byte[] bytes) throws ClassNotFoundException {
    ClassLoader own = new ClassLoader(RewrittenClass.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(original.getName())) return super.loadClass(name, resolve);
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          return c != null ? c : defineClass(name, bytes, 0, bytes.length);
        }
      }
    };
    return own.loadClass(original.getName());
  }
}
