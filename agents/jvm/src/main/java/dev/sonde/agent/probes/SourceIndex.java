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

  /** Records a class from its bytes; returns its source path, or null when it has no SourceFile to go by. */
  public String add(String internalName, byte[] bytes) {
    String file = sourceFile(bytes);
    if (file == null) return null;
    int slash = internalName.lastIndexOf('/');
    String path = slash >= 0 ? internalName.substring(0, slash + 1) + file : file;
    sourceOf.put(internalName, path);
    classes.computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet()).add(internalName);
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

  static String sourceFile(byte[] bytes) {
    String[] found = {null};
    try {
      new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
        @Override
        public void visitSource(String source, String debug) {
          found[0] = source;
        }
      }, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
    } catch (RuntimeException malformed) {
      return null;
    }
    return found[0];
  }
}
