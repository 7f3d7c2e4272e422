package dev.sonde.agent.probes;

import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.ProtectionDomain;

/**
 * Which classes are the program's, to index and probe: not the JDK's (bootstrap and platform loaders, and
 * the JDK modules the application loader defines, such as jdk.jdi, whose classes the debugger's threads
 * load and which must never wait for the engine), not the agent's own (told by its jar, not a package).
 */
final class ProgramClasses {
  private ProgramClasses() {}

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
  private static final URL OWN = codeSource(ProgramClasses.class.getProtectionDomain());

  static boolean isProgram(ClassLoader loader, Module module, ProtectionDomain domain) {
    return loader != null && loader != PLATFORM && !jdkModule(module) && !own(domain);
  }

  private static boolean jdkModule(Module module) {
    if (module == null || !module.isNamed()) return false;
    String n = module.getName();
    return n.startsWith("java.") || n.startsWith("jdk.");
  }

  private static URL codeSource(ProtectionDomain d) {
    return d == null || d.getCodeSource() == null ? null : d.getCodeSource().getLocation();
  }

  private static boolean own(ProtectionDomain d) {
    URL at = codeSource(d);
    return at != null && at.equals(OWN);
  }

  /**
   * The program's classes that loaded before the engine (an agent attached to a running JVM, a second
   * engine): their source files, from each class's own bytes as its loader serves them.
   */
  static void indexLoaded(Instrumentation inst, SourceIndex sources) {
    for (Class<?> c : inst.getAllLoadedClasses()) {
      ClassLoader loader = c.getClassLoader();
      if (c.isArray() || c.isHidden() || !isProgram(loader, c.getModule(), c.getProtectionDomain())) continue;
      String name = c.getName().replace('.', '/');
      if (sources.sourceOf(name) != null) continue;
      try (java.io.InputStream in = loader.getResourceAsStream(name + ".class")) {
        if (in != null) sources.add(name, in.readAllBytes());
      } catch (Exception | LinkageError unreadable) {
        // a class without a class file to read (generated): not indexed
      }
    }
  }
}
