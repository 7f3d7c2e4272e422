package dev.sonde.agent.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A probe's expression language: Java's expressions that only read. Names, ``this``, fields, indexing,
 * arithmetic, comparisons, boolean and bitwise operators, the conditional operator, string concatenation,
 * and calls to a few pure JDK methods (CALLS). What would change the program's state or run its code
 * (assignment, ++/--, new, lambdas, any other call) is refused with the reason
 * (protocol/conformance/expressions.json). Columns are 1-based UTF-16 code units in the whole text.
 */
public final class Parser {
  public static final int MAX_LEVELS = 100;

  /** Methods a probe may call, by name and argument count, on JDK receivers only (checked on the receiver's class at run time). */
  public static final Map<String, Integer> CALLS = Map.of("length", 0, "size", 0, "isEmpty", 0, "charAt", 1);

  private static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>=");
  private static final Map<String, Integer> BINARY = Map.ofEntries(
      Map.entry("||", 1), Map.entry("&&", 2), Map.entry("|", 3), Map.entry("^", 4), Map.entry("&", 5),
      Map.entry("==", 6), Map.entry("!=", 6), Map.entry("<", 7), Map.entry(">", 7), Map.entry("<=", 7), Map.entry(">=", 7),
      Map.entry("<<", 8), Map.entry(">>", 8), Map.entry(">>>", 8), Map.entry("+", 9), Map.entry("-", 9),
      Map.entry("*", 10), Map.entry("/", 10), Map.entry("%", 10));
  private static final String CALL_REFUSED = "function call at column %d is refused: a probe never runs program code (read a property or variable instead)";

  private final String text;
  private final List<Token> tokens;
  private int k;

  private Parser(String text, List<Token> tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /** The tree of an accepted expression: ``source`` is ``text`` from ``from`` on (a format's expression keeps its columns). */
  public static Node parse(String text, int from, int to) throws ExpressionError {
    List<Token> tokens;
    try {
      tokens = Lexer.tokens(text.substring(0, to), from);
    } catch (Lexer.LexError e) {
      throw new ExpressionError(ExpressionError.INVALID, "does not parse at column " + (e.at + 1) + ": " + e.getMessage());
    }
    return parse(text, tokens);
  }

  public static Node parse(String source) throws ExpressionError {
    return parse(source, 0, source.length());
  }

  static Node parse(String text, List<Token> tokens) throws ExpressionError {
    Parser p = new Parser(text, tokens);
    Node node = p.expression(0);
    Token rest = p.peek();
    if (rest.kind() != Token.Kind.END) {
      if (ASSIGNMENTS.contains(rest.text())) throw unsafe("assignment (" + rest.text() + ") at column " + col(node.start()) + " is refused: it would change program state");
      if (rest.is("++") || rest.is("--")) throw unsafe(rest.text() + " at column " + col(node.start()) + " is refused: it would change program state");
      if (rest.is("->")) throw unsafe("lambda at column " + col(node.start()) + " is refused: a probe never runs program code");
      throw new ExpressionError(ExpressionError.INVALID, "unexpected text at column " + col(rest.start()) + ": a probe takes one expression");
    }
    check(node, 1);
    return node;
  }

  private static int col(int index) {
    return index + 1;
  }

  private static ExpressionError unsafe(String message) {
    return new ExpressionError(ExpressionError.UNSAFE, message);
  }

  private ExpressionError broken(Token at, String why) {
    return new ExpressionError(ExpressionError.INVALID, "does not parse at column " + col(at.kind() == Token.Kind.END ? text.length() : at.start()) + ": " + why);
  }

  private Token peek() {
    return tokens.get(k);
  }

  private Token take() {
    return tokens.get(k++);
  }

  private Node expression(int depth) throws ExpressionError {
    if (depth > MAX_LEVELS * 4) throw new ExpressionError(ExpressionError.INVALID, "the expression nests more than " + MAX_LEVELS + " levels deep at column " + col(peek().start()) + ": write it with fewer nested parts");
    Node test = binary(0, depth);
    if (peek().kind() == Token.Kind.OP && ASSIGNMENTS.contains(peek().text())) throw unsafe("assignment (" + peek().text() + ") at column " + col(test.start()) + " is refused: it would change program state");
    if (peek().is("?")) {
      take();
      Node then = expression(depth + 1);
      if (!peek().is(":")) throw broken(peek(), "expected : of the conditional operator");
      take();
      Node otherwise = expression(depth + 1);
      return new Node.Conditional(test.start(), test, then, otherwise);
    }
    return test;
  }

  private Node binary(int minPrecedence, int depth) throws ExpressionError {
    Node left = unary(depth);
    for (;;) {
      Token op = peek();
      Integer prec = op.kind() == Token.Kind.OP ? BINARY.get(op.text()) : null;
      if (op.is("instanceof")) throw unsafe("instanceof at column " + col(op.start()) + " is refused: it is not in a probe's language");
      if (prec == null || prec <= minPrecedence) return left;
      take();
      Node right = binary(prec, depth + 1);
      left = new Node.Binary(left.start(), op.text(), left, right);
    }
  }

  private Node unary(int depth) throws ExpressionError {
    Token t = peek();
    if (t.is("++") || t.is("--")) throw unsafe(t.text() + " at column " + col(t.start()) + " is refused: it would change program state");
    if (t.is("!") || t.is("-") || t.is("+") || t.is("~")) {
      take();
      return new Node.Unary(t.start(), t.text(), unary(depth + 1));
    }
    return postfix(primary(depth), depth);
  }

  private Node postfix(Node node, int depth) throws ExpressionError {
    for (;;) {
      Token t = peek();
      if (t.is(".")) {
        take();
        Token name = take();
        if (name.kind() != Token.Kind.NAME) throw broken(name, "expected a field name after .");
        if (peek().is("(")) node = call(node, name);
        else node = new Node.Field(node.start(), node, name.text());
      } else if (t.is("[")) {
        take();
        Node index = expression(depth + 1);
        if (!peek().is("]")) throw broken(peek(), "expected ]");
        take();
        node = new Node.Index(node.start(), node, index);
      } else if (t.is("(")) {
        throw unsafe(String.format(CALL_REFUSED, col(node.start())));
      } else if (t.is("++") || t.is("--")) {
        throw unsafe(t.text() + " at column " + col(node.start()) + " is refused: it would change program state");
      } else if (t.is("::")) {
        throw unsafe("method reference at column " + col(node.start()) + " is refused: a probe never runs program code");
      } else {
        return node;
      }
    }
  }

  private Node call(Node target, Token name) throws ExpressionError {
    Integer arity = CALLS.get(name.text());
    take(); // (
    List<Node> args = new ArrayList<>();
    if (!peek().is(")")) {
      do {
        args.add(expression(1));
      } while (peek().is(",") && take() != null);
    }
    if (!peek().is(")")) throw broken(peek(), "expected )");
    take();
    if (arity == null || arity != args.size()) throw unsafe(String.format(CALL_REFUSED, col(target.start())));
    return new Node.Call(target.start(), target, name.text(), List.copyOf(args));
  }

  private Node primary(int depth) throws ExpressionError {
    Token t = take();
    switch (t.kind()) {
      case NUMBER:
      case STRING:
      case CHAR:
        return new Node.Literal(t.start(), t.value());
      case NAME:
        switch (t.text()) {
          case "true": return new Node.Literal(t.start(), Boolean.TRUE);
          case "false": return new Node.Literal(t.start(), Boolean.FALSE);
          case "null": return new Node.Literal(t.start(), null);
          case "this": return new Node.This(t.start());
          case "new": throw unsafe("new at column " + col(t.start()) + " is refused: it runs a constructor");
          case "switch": case "throw": case "class": case "super":
            throw unsafe(t.text() + " at column " + col(t.start()) + " is refused: it is not in a probe's language");
          default:
            if (peek().is("(")) throw unsafe(String.format(CALL_REFUSED, col(t.start())));
            if (peek().is("->")) throw unsafe("lambda at column " + col(t.start()) + " is refused: a probe never runs program code");
            return new Node.Name(t.start(), t.text());
        }
      case OP:
        if (t.is("(")) {
          Node inner = expression(depth + 1);
          if (!peek().is(")")) throw broken(peek(), "expected )");
          take();
          return inner;
        }
        throw broken(t, "unexpected " + t.text());
      default:
        throw broken(t, "the expression ends too soon");
    }
  }

  /** Counts levels as every agent does: a node at level 101 is too deep, said at its column. */
  private static void check(Node node, int level) throws ExpressionError {
    if (level > MAX_LEVELS) throw new ExpressionError(ExpressionError.INVALID, "the expression nests more than " + MAX_LEVELS + " levels deep at column " + col(node.start()) + ": write it with fewer nested parts");
    for (Node child : node.children()) check(child, level + 1);
  }
}
