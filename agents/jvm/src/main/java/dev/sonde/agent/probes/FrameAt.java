package dev.sonde.agent.probes;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.AnalyzerAdapter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The stack map frame at an instruction, for a branch the injected code adds around its call: the types of
 * the locals and the stack there, from the method's own frames and its straight-line code (ASM's
 * AnalyzerAdapter), so that no class is loaded to compute it. Null where it cannot be told (unreachable
 * code, an object under construction).
 */
final class FrameAt {
  private FrameAt() {}

  static FrameNode of(String owner, MethodNode m, AbstractInsnNode at) {
    AnalyzerAdapter a = new AnalyzerAdapter(owner, m.access, m.name, m.desc, null);
    for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
      if (n == at) {
        if (a.locals == null || a.stack == null) return null;
        Object[] locals = compact(a.locals);
        Object[] stack = compact(a.stack);
        if (locals == null || stack == null) return null;
        return new FrameNode(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
      }
      n.accept(a);
    }
    return null;
  }

  /** AnalyzerAdapter's slots as a frame's entries: a long or double is one entry (not followed by TOP); no label (an uninitialized object) is told. */
  private static Object[] compact(List<Object> slots) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Object v = slots.get(i);
      if (v instanceof Label) return null;
      out.add(v);
      if ((v == Opcodes.LONG || v == Opcodes.DOUBLE) && i + 1 < slots.size() && slots.get(i + 1) == Opcodes.TOP) i++;
    }
    while (!out.isEmpty() && out.get(out.size() - 1) == Opcodes.TOP) out.remove(out.size() - 1);
    return out.toArray();
  }
}
