package dev.sonde.agent.expr;

import java.util.List;

/** An expression's tree. ``start`` is the char index of the node's first character in the text it was parsed from. */
public sealed interface Node {
  int start();

  /** The node's own sub-expressions, in source order (what a walk of the tree visits). */
  default List<Node> children() {
    if (this instanceof Field f) return List.of(f.target());
    if (this instanceof Index i) return List.of(i.target(), i.index());
    if (this instanceof Call c) {
      List<Node> out = new java.util.ArrayList<>();
      out.add(c.target());
      out.addAll(c.args());
      return out;
    }
    if (this instanceof Unary u) return List.of(u.operand());
    if (this instanceof Binary b) return List.of(b.left(), b.right());
    if (this instanceof Conditional c) return List.of(c.test(), c.then(), c.otherwise());
    return List.of();
  }

  record Name(int start, String name) implements Node {}

  record This(int start) implements Node {}

  record Literal(int start, Object value) implements Node {}

  record Field(int start, Node target, String name) implements Node {}

  record Index(int start, Node target, Node index) implements Node {}

  /** A call of an allow-listed JDK method on a receiver (checked again on the receiver's class at run time). */
  record Call(int start, Node target, String name, List<Node> args) implements Node {}

  record Unary(int start, String op, Node operand) implements Node {}

  record Binary(int start, String op, Node left, Node right) implements Node {}

  record Conditional(int start, Node test, Node then, Node otherwise) implements Node {}
}
