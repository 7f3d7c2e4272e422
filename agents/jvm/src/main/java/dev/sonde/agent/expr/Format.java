package dev.sonde.agent.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How a log format splits into text and expressions (protocol/conformance/format.json). Outside an
 * expression {{ is a literal { and }} a literal }; a lone } is an error. A { opens an expression that
 * ends at the first } outside its strings and brackets, found with the expression language's own lexer.
 * Splitting judges nothing but the braces and the syntax; safety is the parser's check, later.
 */
public final class Format {
  /** A part of a format: literal text, or an expression with the 1-based column of its first character. */
  public sealed interface Part permits Text, Expr {}

  public record Text(String text) implements Part {}

  /** ``start``/``end``: the expression's char range in the format (its columns count in the whole format); ``close``: its closing brace. */
  public record Expr(String source, int column, int start, int end, int close) implements Part {}

  /** Tokens after which the parser would read on: the expression is not whole yet. */
  private static final Set<String> CONTINUES = Set.of(
      "+", "-", "*", "/", "%", "<<", ">>", ">>>", "&", "|", "^", "<", ">", "<=", ">=", "==", "!=", "&&", "||",
      ".", "(", "[", ",", "!", "~", "?", ":", "=", "+=", "-=", "*=", "/=", "%=", "instanceof", "new");

  private Format() {}

  public static List<Part> split(String fmt) throws ExpressionError {
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < fmt.length()) {
      char c = fmt.charAt(i);
      if (c == '{' && fmt.startsWith("{{", i)) {
        text.append('{');
        i += 2;
      } else if (c == '}' && fmt.startsWith("}}", i)) {
        text.append('}');
        i += 2;
      } else if (c == '}') {
        throw invalid("lone } at column " + (i + 1) + ": write }} for a literal brace");
      } else if (c == '{') {
        if (text.length() > 0) {
          parts.add(new Text(text.toString()));
          text.setLength(0);
        }
        Expr expr = expression(fmt, i);
        parts.add(expr);
        i = expr.close() + 1;
      } else {
        text.append(c);
        i++;
      }
    }
    if (text.length() > 0) parts.add(new Text(text.toString()));
    return parts;
  }

  private static ExpressionError invalid(String message) {
    return new ExpressionError(ExpressionError.INVALID, message);
  }

  private static Expr expression(String fmt, int opened) throws ExpressionError {
    int start = opened + 1;
    while (start < fmt.length() && Character.isWhitespace(fmt.charAt(start))) start++;
    int at = opened + 1;
    if (start < fmt.length() && fmt.charAt(start) == '}') throw invalid("empty {} at column " + at + ": put an expression inside, or write {{}} for literal braces");
    // The tokens up to the first } outside brackets (the lexer keeps strings whole).
    List<Token> tokens = new ArrayList<>();
    List<String> open = new ArrayList<>();
    int close = -1;
    int[] pos = {start};
    try {
      for (;;) {
        Token t = Lexer.next(fmt, pos);
        if (t.kind() == Token.Kind.END) break;
        if (t.is("}") && open.isEmpty()) {
          close = t.start();
          break;
        }
        if (t.is("(") || t.is("[") || t.is("{")) open.add(t.is("(") ? ")" : t.is("[") ? "]" : "}");
        else if (!open.isEmpty() && t.is(open.get(open.size() - 1))) open.remove(open.size() - 1);
        tokens.add(t);
      }
    } catch (Lexer.LexError e) {
      if (e.getMessage().startsWith("unterminated")) throw invalid("the expression in { at column " + at + " does not parse: " + e.getMessage());
      throw invalid("the expression in { at column " + at + " does not parse: " + e.getMessage());
    }
    ExpressionError parseError = null;
    if (close >= 0) {
      int end = close;
      while (end > start && Character.isWhitespace(fmt.charAt(end - 1))) end--;
      try {
        parses(fmt, tokens);
        return new Expr(fmt.substring(start, end), start + 1, start, end, close);
      } catch (ExpressionError e) {
        parseError = e;
      }
    }
    // Not whole up to a closing brace: the longest run of leading tokens that is an expression, and what follows it.
    for (int k = tokens.size() - 1; k > 0; k--) {
      try {
        parses(fmt, tokens.subList(0, k));
      } catch (ExpressionError e) {
        continue;
      }
      Token after = tokens.get(k);
      if (!CONTINUES.contains(after.text())) throw invalid("unexpected \"" + fmt.charAt(after.start()) + "\" at column " + (after.start() + 1) + " in the expression opened at column " + at + ": expected }");
      break;
    }
    if (parseError == null) throw invalid("unclosed { at column " + at + ": close it with } or write {{ for a literal brace");
    String why = parseError.getMessage().replaceFirst("^does not parse at column \\d+: ", "");
    throw invalid("the expression in { at column " + at + " does not parse: " + why);
  }

  /** Whether the tokens are one expression, as far as syntax goes: a refusal as unsafe means it parsed. */
  private static void parses(String fmt, List<Token> tokens) throws ExpressionError {
    List<Token> whole = new ArrayList<>(tokens);
    int end = tokens.isEmpty() ? 0 : tokens.get(tokens.size() - 1).start() + tokens.get(tokens.size() - 1).text().length();
    whole.add(new Token(Token.Kind.END, "", end, null));
    try {
      Parser.parse(fmt, whole);
    } catch (ExpressionError e) {
      if (!e.code().equals(ExpressionError.UNSAFE)) throw e;
    }
  }
}
