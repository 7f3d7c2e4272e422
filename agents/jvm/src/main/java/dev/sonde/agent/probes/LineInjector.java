package dev.sonde.agent.probes;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Puts a call to {@link Hits#hit} at the first instruction of a line, in every method of the class that
 * has code at that line: all of a class's probes in one rewrite of its original bytes. The call passes
 * {@code this} (in an instance method) and the locals the probe reads that are in scope there, boxed, by
 * the LocalVariableTable; it pushes and pops only its own values, so the method's frames stay valid.
 */
public final class LineInjector {
  private LineInjector() {}

  /** A probe wanted at a line of this class; ``end``: the line where a tic-toc's span ends (its toc, which reads nothing). */
  public record Want(Probe probe, int line, boolean end, String source) {
    public Want(Probe probe, int line) {
      this(probe, line, false, null);
    }

    public Want(Probe probe, int line, boolean end) {
      this(probe, line, end, null);
    }
  }

  /** The rewritten class, and the sites it calls (one per method that has the line), for each want. */
  public record Result(byte[] bytes, List<Site> sites, boolean hasLocalVariableTable) {}

  private static final String HITS = Type.getInternalName(Hits.class);

  /**
   * ``running`` names the methods (class name, method name) that are on a thread's stack now: their running
   * call would keep the old bytes whatever is injected, so they are left as they are and their sites are
   * ``held``, for the debugger fallback to serve (the breakpoint then applies to the running call too).
   */
  public static Result instrument(byte[] original, ClassLoader loader, List<Want> wants, java.util.function.BiPredicate<String, String> running) {
    ClassNode cls = new ClassNode();
    new ClassReader(original).accept(cls, ClassReader.EXPAND_FRAMES); // FrameAt reads the frames expanded
    List<Site> sites = new ArrayList<>();
    boolean tables = false;
    boolean injected = false;
    String own = cls.sourceFile == null ? null : (cls.name.lastIndexOf('/') >= 0 ? cls.name.substring(0, cls.name.lastIndexOf('/') + 1) : "") + cls.sourceFile;
    Smap smap = Smap.parse(cls.sourceDebug, cls.name);
    for (MethodNode m : cls.methods) {
      if (m.localVariables != null && !m.localVariables.isEmpty()) tables = true;
      for (Want w : wants) {
        if (w.probe() instanceof AggregateProbes.TicToc t && t.wholeMethod) {
          if (!w.end() && startsAt(cls, m, w.line())) {
            Site entry = wholeMethod(cls, m, w, loader, running);
            if (entry != null) {
              sites.add(entry);
              injected |= !entry.held;
            }
          }
          continue;
        }
        for (int bytecodeLine : bytecodeLines(w, own, smap)) {
        AbstractInsnNode at = firstInstructionOf(m, bytecodeLine);
        if (at == null) continue;
        boolean hasThis = !w.end() && (m.access & Opcodes.ACC_STATIC) == 0 && !m.name.equals("<init>");
        Site site = new Site(w.probe(), cls.name.replace('/', '.'), loader, m.name, w.line(), hasThis, w.end() ? List.of() : localsAt(m, at, w.probe(), bytecodeLine != w.line()));
        site.end = w.end();
        site.id = Hits.register(site);
        site.held = running.test(site.className, m.name);
        if (!site.held) {
          m.instructions.insertBefore(at, guarded(cls.name, m, at, site));
          injected = true;
        }
        site.bytecodeLine = bytecodeLine;
        sites.add(site);
        }
      }
    }
    if (!injected) return new Result(null, sites, tables);
    ClassWriter out = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    cls.accept(out);
    return new Result(out.toByteArray(), sites, tables);
  }

  /**
   * Whether ``m`` is the method that starts at ``line``: its declaration's line, an annotation's or one
   * between, up to its body's first line, with no other method's code in between (lambdas and the
   * compiler's own methods are not what a person points at).
   */
  static boolean startsAt(ClassNode cls, MethodNode m, int line) {
    if ((m.access & (Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || m.name.equals("<init>") || m.name.equals("<clinit>")) return false;
    int first = firstLine(m);
    if (first < line || first - line > 3) return false;
    for (MethodNode other : cls.methods) {
      for (AbstractInsnNode n = other.instructions.getFirst(); n != null; n = n.getNext()) {
        if (n instanceof LineNumberNode ln && ln.line >= line && ln.line < first) return false;
      }
    }
    return true;
  }

  private static int firstLine(MethodNode m) {
    int first = Integer.MAX_VALUE;
    for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) if (n instanceof LineNumberNode ln) first = Math.min(first, ln.line);
    return first;
  }

  /**
   * A tic-toc around the whole method: the tic as its first instruction runs, a toc before every return,
   * and one more in a handler over the whole body for an exception leaving it, which it throws on as it
   * was. The handler's frame is the method's first (this and the parameters), valid all through the body.
   */
  private static Site wholeMethod(ClassNode cls, MethodNode m, Want w, ClassLoader loader, java.util.function.BiPredicate<String, String> running) {
    AbstractInsnNode first = m.instructions.getFirst();
    while (first != null && first.getOpcode() < 0) first = first.getNext();
    if (first == null) return null;
    boolean hasThis = (m.access & Opcodes.ACC_STATIC) == 0;
    Site tic = new Site(w.probe(), cls.name.replace('/', '.'), loader, m.name, w.line(), hasThis, localsAt(m, first, w.probe(), false));
    tic.id = Hits.register(tic);
    tic.bytecodeLine = firstLine(m);
    Site toc = new Site(w.probe(), cls.name.replace('/', '.'), loader, m.name, w.line(), false, List.of());
    toc.end = true;
    toc.id = Hits.register(toc);
    tic.held = running.test(tic.className, m.name);
    if (tic.held) return tic; // a call running now began before the probe: there is no start to time it from
    tic.pair = toc;
    LabelNode start = new LabelNode();
    LabelNode end = new LabelNode();
    LabelNode handler = new LabelNode();
    for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
      int op = n.getOpcode();
      if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) m.instructions.insertBefore(n, call(toc));
    }
    m.instructions.insertBefore(first, start);
    m.instructions.insert(start, guarded(cls.name, m, start.getNext(), tic));
    m.instructions.add(end);
    m.instructions.add(handler);
    m.instructions.add(initialFrame(cls, m));
    m.instructions.add(call(toc));
    m.instructions.add(new InsnNode(Opcodes.ATHROW));
    m.tryCatchBlocks.add(new org.objectweb.asm.tree.TryCatchBlockNode(start, end, handler, null)); // last: the method's own handlers come first
    return tic;
  }

  /** The frame at the method's start, with a Throwable on the stack: the handler's. */
  private static FrameNode initialFrame(ClassNode cls, MethodNode m) {
    List<Object> locals = new ArrayList<>();
    if ((m.access & Opcodes.ACC_STATIC) == 0) locals.add(cls.name);
    for (Type t : Type.getArgumentTypes(m.desc)) {
      locals.add(switch (t.getSort()) {
        case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
        case Type.FLOAT -> Opcodes.FLOAT;
        case Type.LONG -> Opcodes.LONG;
        case Type.DOUBLE -> Opcodes.DOUBLE;
        default -> t.getInternalName();
      });
    }
    return new FrameNode(Opcodes.F_NEW, locals.size(), locals.toArray(), 1, new Object[] {"java/lang/Throwable"});
  }

  /**
   * The class's own line numbers where a want's source line runs: the line itself in its own file, and
   * every copy an inline function's body left here (the SMAP's output lines for that file and line).
   */
  static List<Integer> bytecodeLines(Want w, String own, Smap smap) {
    List<Integer> out = new ArrayList<>();
    if (w.source() == null || w.source().equals(own)) out.add(w.line());
    if (w.source() != null) for (int l : smap.outputs(w.source(), w.line())) if (!out.contains(l)) out.add(l);
    return out;
  }

  /** The first real instruction after the line's first entry in the method's LineNumberTable; null when it has none. */
  static AbstractInsnNode firstInstructionOf(MethodNode m, int line) {
    for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
      if (n instanceof LineNumberNode ln && ln.line == line) {
        for (AbstractInsnNode i = ln.getNext(); i != null; i = i.getNext()) {
          if (i.getOpcode() >= 0) return i;
          if (i instanceof LineNumberNode) break;
        }
      }
    }
    return null;
  }

  /**
   * The probe's names that are locals in scope at ``at`` (the table's ranges), in the probe's order. In a
   * copy of an inline function's body (``inlined``) Kotlin names its parameters and locals name$iv: those
   * are the names the function's own code reads, so they come first.
   */
  private static List<Site.Local> localsAt(MethodNode m, AbstractInsnNode at, Probe probe, boolean inlined) {
    List<Site.Local> out = new ArrayList<>();
    if (m.localVariables == null) return out;
    int index = m.instructions.indexOf(at);
    if (probe.allLocals()) {
      for (LocalVariableNode v : m.localVariables) {
        if (v.name.equals("this") || v.name.startsWith("$")) continue; // Kotlin's $i$a$ markers are not the program's names
        if (m.instructions.indexOf(v.start) <= index && index < m.instructions.indexOf(v.end) && out.stream().noneMatch(l -> l.name().equals(v.name))) out.add(new Site.Local(v.name, v.index, v.desc));
      }
      return out;
    }
    for (String name : probe.names()) {
      Site.Local found = null;
      for (String candidate : inlined ? List.of(name + "$iv", name) : List.of(name)) {
        for (LocalVariableNode v : m.localVariables) {
          if (found != null || !v.name.equals(candidate) || v.name.equals("this")) continue;
          if (m.instructions.indexOf(v.start) <= index && index < m.instructions.indexOf(v.end)) found = new Site.Local(name, v.index, v.desc);
        }
      }
      if (found != null) out.add(found);
    }
    return out;
  }

  /**
   * The call, behind the probe's condition when the condition reads only primitive locals and constants:
   * {@code if (cond) Hits.hit(...)} in the method itself, so that a false condition boxes nothing.
   */
  private static InsnList guarded(String owner, MethodNode m, AbstractInsnNode at, Site site) {
    // A whole method's tic must run its condition itself: a false one still marks the call, so that its toc pairs with it.
    boolean whole = site.probe instanceof AggregateProbes.TicToc t && t.wholeMethod;
    InsnList condition = site.probe.condition == null || site.end || whole ? null : InlineCondition.compile(site.probe.condition, site.locals);
    FrameNode frame = condition == null ? null : FrameAt.of(owner, m, at);
    if (frame == null) return call(site);
    site.conditionInlined = true;
    LabelNode skip = new LabelNode();
    InsnList code = new InsnList();
    code.add(condition);
    code.add(new JumpInsnNode(Opcodes.IFEQ, skip));
    code.add(call(site));
    code.add(skip);
    code.add(frame);
    return code;
  }

  private static InsnList call(Site site) {
    InsnList code = new InsnList();
    code.add(intConst(site.id));
    int n = (site.hasThis ? 1 : 0) + site.locals.size();
    if (n == 0) {
      code.add(new InsnNode(Opcodes.ACONST_NULL));
    } else {
      code.add(intConst(n));
      code.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Object"));
      int k = 0;
      if (site.hasThis) {
        code.add(new InsnNode(Opcodes.DUP));
        code.add(intConst(k++));
        code.add(new VarInsnNode(Opcodes.ALOAD, 0));
        code.add(new InsnNode(Opcodes.AASTORE));
      }
      for (Site.Local l : site.locals) {
        code.add(new InsnNode(Opcodes.DUP));
        code.add(intConst(k++));
        load(code, l);
        code.add(new InsnNode(Opcodes.AASTORE));
      }
    }
    code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, HITS, "hit", "(I[Ljava/lang/Object;)V", false));
    return code;
  }

  private static void load(InsnList code, Site.Local l) {
    Type t = Type.getType(l.descriptor());
    code.add(new VarInsnNode(t.getOpcode(Opcodes.ILOAD), l.slot()));
    String box = switch (t.getSort()) {
      case Type.BOOLEAN -> "java/lang/Boolean";
      case Type.CHAR -> "java/lang/Character";
      case Type.BYTE -> "java/lang/Byte";
      case Type.SHORT -> "java/lang/Short";
      case Type.INT -> "java/lang/Integer";
      case Type.FLOAT -> "java/lang/Float";
      case Type.LONG -> "java/lang/Long";
      case Type.DOUBLE -> "java/lang/Double";
      default -> null;
    };
    if (box != null) code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, box, "valueOf", "(" + l.descriptor() + ")L" + box + ";", false));
  }

  private static AbstractInsnNode intConst(int v) {
    if (v >= -1 && v <= 5) return new InsnNode(Opcodes.ICONST_0 + v);
    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) return new IntInsnNode(Opcodes.BIPUSH, v);
    if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return new IntInsnNode(Opcodes.SIPUSH, v);
    return new LdcInsnNode(v);
  }
}
