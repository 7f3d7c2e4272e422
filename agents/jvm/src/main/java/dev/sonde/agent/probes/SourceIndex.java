package dev.sonde.agent.probes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The program's classes by the source file they came from: the class's package folders and its
 * SourceFile attribute (com/acme/Service.java, or PrimeMainComplex.kt for Kotlin's default package),
 * read from each class's bytes as it loads. These paths are what the agent reports as its loaded files
 * and matches a workspace path against.
 */
public final class SourceIndex {
  /** Source path → internal class names (a file holds several classes: nested, lambdas, Kotlin's facades). */
  private final Map<String, Set<String>> classes = new ConcurrentHashMap<>();
  private final Map<String, String> sourceOf = new ConcurrentHashMap<>();

  /**
   * Records a class from its bytes; returns its source path, or null when it has no SourceFile to go by.
   * A class that inlines code of other files (Kotlin's inline functions, by its SMAP) is indexed under
   * them too: a probe on such a line goes into every class that holds a copy.
   */
  public String add(String internalName, byte[] bytes) {
    String[] found = source(bytes);
    if (found[0] == null) return null;
    int slash = internalName.lastIndexOf('/');
    String path = slash >= 0 ? internalName.substring(0, slash + 1) + found[0] : found[0];
    sourceOf.put(internalName, path);
    classes.computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet()).add(internalName);
    if (found[1] != null) {
      for (String other : Smap.parse(found[1], internalName).lines.keySet()) {
        if (!other.equals(path)) classes.computeIfAbsent(other, p -> ConcurrentHashMap.newKeySet()).add(internalName);
      }
    }
    return path;
  }

  public Set<String> classesOf(String path) {
    return classes.getOrDefault(path, Collections.emptySet());
  }

  public String sourceOf(String internalName) {
    return sourceOf.get(internalName);
  }

  public List<String> paths() {
    return new ArrayList<>(classes.keySet());
  }

  public int size() {
    return classes.size();
  }

  /** The class's SourceFile and its SourceDebugExtension (SMAP), either null. */
  static String[] source(byte[] bytes) {
    String[] found = {null, null};
    try {
      new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
        @Override
        public void visitSource(String source, String debug) {
          found[0] = source;
          found[1] = debug;
        }
      }, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
    } catch (RuntimeException malformed) {
      return new String[] {null, null};
    }
    return found;
  }
}
