package dev.sonde.agent.probes;

import dev.sonde.agent.expr.Node;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * A condition on primitive locals and constants, compiled into the probed method itself, so that a hit
 * whose condition is false costs a few instructions and boxes nothing. The code is straight-line (no
 * branch, so no frame): comparisons go through LCMP/DCMPx and shifts to a 0 or 1, && and || are AND and
 * OR (nothing in the subset can fail or has effects). Anything else is evaluated at the hit, as before.
 */
final class InlineCondition {
  private InlineCondition() {}

  private enum Kind { INT, LONG, DOUBLE }

  private static final class NotInline extends Exception {
    NotInline() {
      super(null, null, false, false);
    }
  }

  /** Code leaving 1 (true) or 0 on the stack; null when the condition is not in the subset or reads a name that is not a primitive local. */
  static InsnList compile(Node condition, List<Site.Local> locals) {
    InsnList code = new InsnList();
    try {
      if (bool(condition, locals, code) == null) return null;
      return code;
    } catch (NotInline e) {
      return null;
    }
  }

  /** Emits a boolean (0 or 1 as an int); returns a marker, or throws NotInline. */
  private static Object bool(Node n, List<Site.Local> locals, InsnList code) throws NotInline {
    if (n instanceof Node.Literal l && l.value() instanceof Boolean b) {
      code.add(new InsnNode(b ? Opcodes.ICONST_1 : Opcodes.ICONST_0));
      return Boolean.TRUE;
    }
    if (n instanceof Node.Name name) {
      Site.Local l = local(name.name(), locals);
      if (!l.descriptor().equals("Z")) throw new NotInline();
      code.add(new VarInsnNode(Opcodes.ILOAD, l.slot()));
      return Boolean.TRUE;
    }
    if (n instanceof Node.Unary u && u.op().equals("!")) {
      bool(u.operand(), locals, code);
      code.add(new InsnNode(Opcodes.ICONST_1));
      code.add(new InsnNode(Opcodes.IXOR));
      return Boolean.TRUE;
    }
    if (n instanceof Node.Binary b) {
      switch (b.op()) {
        case "&&", "||" -> {
          bool(b.left(), locals, code);
          bool(b.right(), locals, code);
          code.add(new InsnNode(b.op().equals("&&") ? Opcodes.IAND : Opcodes.IOR));
          return Boolean.TRUE;
        }
        case "<", "<=", ">", ">=", "==", "!=" -> {
          compare(b, locals, code);
          return Boolean.TRUE;
        }
        default -> throw new NotInline();
      }
    }
    throw new NotInline();
  }

  private static void compare(Node.Binary b, List<Site.Local> locals, InsnList code) throws NotInline {
    Kind kind = widest(kind(b.left(), locals), kind(b.right(), locals));
    if (kind == Kind.INT) kind = Kind.LONG; // compared as longs: LCMP, and no overflow
    number(b.left(), locals, code, kind);
    number(b.right(), locals, code, kind);
    boolean greater = b.op().startsWith(">");
    // c in {-1, 0, 1}; with NaN, DCMPL gives -1 and DCMPG 1, so that every comparison with NaN is false.
    code.add(new InsnNode(kind == Kind.LONG ? Opcodes.LCMP : greater ? Opcodes.DCMPL : Opcodes.DCMPG));
    switch (b.op()) {
      case "<" -> shift(code); // c >>> 31: 1 when c is -1
      case ">" -> { code.add(new InsnNode(Opcodes.INEG)); shift(code); }
      case "<=" -> { code.add(new InsnNode(Opcodes.INEG)); shift(code); not(code); }
      case ">=" -> { shift(code); not(code); }
      case "==" -> { nonZero(code); not(code); }
      default -> nonZero(code); // !=
    }
  }

  private static void shift(InsnList code) {
    code.add(new LdcInsnNode(31));
    code.add(new InsnNode(Opcodes.IUSHR));
  }

  private static void not(InsnList code) {
    code.add(new InsnNode(Opcodes.ICONST_1));
    code.add(new InsnNode(Opcodes.IXOR));
  }

  /** (c | -c) >>> 31: 1 when c is not zero. */
  private static void nonZero(InsnList code) {
    code.add(new InsnNode(Opcodes.DUP));
    code.add(new InsnNode(Opcodes.INEG));
    code.add(new InsnNode(Opcodes.IOR));
    shift(code);
  }

  private static Site.Local local(String name, List<Site.Local> locals) throws NotInline {
    for (Site.Local l : locals) if (l.name().equals(name)) return l;
    throw new NotInline();
  }

  private static Kind widest(Kind a, Kind b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  private static Kind kind(Node n, List<Site.Local> locals) throws NotInline {
    if (n instanceof Node.Literal l) {
      Object v = l.value();
      if (v instanceof Integer || v instanceof Character) return Kind.INT;
      if (v instanceof Long) return Kind.LONG;
      if (v instanceof Double || v instanceof Float) return Kind.DOUBLE;
      throw new NotInline();
    }
    if (n instanceof Node.Name name) {
      return switch (local(name.name(), locals).descriptor()) {
        case "I", "S", "B", "C" -> Kind.INT;
        case "J" -> Kind.LONG;
        case "F", "D" -> Kind.DOUBLE;
        default -> throw new NotInline();
      };
    }
    if (n instanceof Node.Unary u && u.op().equals("-")) return kind(u.operand(), locals);
    if (n instanceof Node.Binary b && (b.op().equals("+") || b.op().equals("-") || b.op().equals("*"))) return widest(kind(b.left(), locals), kind(b.right(), locals));
    throw new NotInline();
  }

  /** Emits a number as ``kind``: int arithmetic as Java does it (wrapping), then widened. */
  private static void number(Node n, List<Site.Local> locals, InsnList code, Kind kind) throws NotInline {
    Kind own = kind(n, locals);
    if (own == Kind.INT && kind != Kind.INT) {
      number(n, locals, code, Kind.INT);
      code.add(new InsnNode(kind == Kind.LONG ? Opcodes.I2L : Opcodes.I2D));
      return;
    }
    if (own == Kind.LONG && kind == Kind.DOUBLE) {
      number(n, locals, code, Kind.LONG);
      code.add(new InsnNode(Opcodes.L2D));
      return;
    }
    if (n instanceof Node.Literal l) {
      Object v = l.value();
      code.add(new LdcInsnNode(switch (kind) {
        case INT -> v instanceof Character c ? (int) c : ((Number) v).intValue();
        case LONG -> ((Number) v).longValue();
        case DOUBLE -> ((Number) v).doubleValue();
      }));
      return;
    }
    if (n instanceof Node.Name name) {
      Site.Local l = local(name.name(), locals);
      switch (l.descriptor()) {
        case "I", "S", "B", "C" -> code.add(new VarInsnNode(Opcodes.ILOAD, l.slot()));
        case "J" -> code.add(new VarInsnNode(Opcodes.LLOAD, l.slot()));
        case "F" -> {
          code.add(new VarInsnNode(Opcodes.FLOAD, l.slot()));
          code.add(new InsnNode(Opcodes.F2D));
        }
        default -> code.add(new VarInsnNode(Opcodes.DLOAD, l.slot()));
      }
      return;
    }
    if (n instanceof Node.Unary u) {
      number(u.operand(), locals, code, kind);
      code.add(new InsnNode(kind == Kind.INT ? Opcodes.INEG : kind == Kind.LONG ? Opcodes.LNEG : Opcodes.DNEG));
      return;
    }
    Node.Binary b = (Node.Binary) n;
    number(b.left(), locals, code, kind);
    number(b.right(), locals, code, kind);
    int base = switch (b.op()) {
      case "+" -> Opcodes.IADD;
      case "-" -> Opcodes.ISUB;
      default -> Opcodes.IMUL;
    };
    code.add(new InsnNode(base + (kind == Kind.INT ? 0 : kind == Kind.LONG ? 1 : 3)));
  }
}
