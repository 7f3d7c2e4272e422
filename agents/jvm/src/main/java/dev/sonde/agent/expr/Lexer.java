package dev.sonde.agent.expr;

import java.util.ArrayList;
import java.util.List;

/** Java's tokens, as far as a probe's expressions use them: names, numbers, string and char literals, operators. */
public final class Lexer {
  /** Operators, longest first so that ">>>=" is read before ">>". */
  private static final String[] OPERATORS = {
    ">>>=", "<<=", ">>=", ">>>", "...", "->", "::", "++", "--", "&&", "||", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>",
    "+", "-", "*", "/", "%", "=", "<", ">", "!", "~", "?", ":", ".", ",", ";", "(", ")", "[", "]", "{", "}", "&", "|", "^", "@",
  };

  private final String src;
  private int i;

  /** Thrown for text that is no token: an unterminated literal, a character Java has no use for. */
  public static final class LexError extends Exception {
    public final int at;

    LexError(String message, int at) {
      super(message, null, false, false);
      this.at = at;
    }
  }

  private Lexer(String src, int from) {
    this.src = src;
    this.i = from;
  }

  /** The tokens of ``src`` from ``from`` to its end, ending with END. */
  public static List<Token> tokens(String src, int from) throws LexError {
    Lexer lx = new Lexer(src, from);
    List<Token> out = new ArrayList<>();
    for (Token t = lx.next(); ; t = lx.next()) {
      out.add(t);
      if (t.kind() == Token.Kind.END) return out;
    }
  }

  /** The next token, for a scan that stops early (a format's closing brace). */
  public static Token next(String src, int[] at) throws LexError {
    Lexer lx = new Lexer(src, at[0]);
    Token t = lx.next();
    at[0] = lx.i;
    return t;
  }

  private Token next() throws LexError {
    while (i < src.length() && Character.isWhitespace(src.charAt(i))) i++;
    if (i >= src.length()) return new Token(Token.Kind.END, "", i, null);
    int start = i;
    char c = src.charAt(i);
    if (Character.isJavaIdentifierStart(c)) {
      while (i < src.length() && Character.isJavaIdentifierPart(src.charAt(i))) i++;
      return new Token(Token.Kind.NAME, src.substring(start, i), start, null);
    }
    if (Character.isDigit(c) || (c == '.' && i + 1 < src.length() && Character.isDigit(src.charAt(i + 1)))) return number(start);
    if (c == '"') return string(start);
    if (c == '\'') return character(start);
    for (String op : OPERATORS) {
      if (src.startsWith(op, i)) {
        i += op.length();
        return new Token(Token.Kind.OP, op, start, null);
      }
    }
    throw new LexError("unexpected character " + c, start);
  }

  private Token number(int start) throws LexError {
    String rest = src.substring(start);
    java.util.regex.Matcher m = NUMBER.matcher(rest);
    if (!m.lookingAt()) throw new LexError("malformed number", start);
    String text = m.group();
    i = start + text.length();
    if (i < src.length() && Character.isJavaIdentifierPart(src.charAt(i))) throw new LexError("malformed number", start);
    String digits = text.replace("_", "");
    try {
      Object value;
      char last = Character.toLowerCase(digits.charAt(digits.length() - 1));
      boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
      if (!hex && (last == 'f' || last == 'd' || digits.contains(".") || digits.toLowerCase().contains("e"))) {
        value = last == 'f' ? (Object) Float.parseFloat(digits) : (Object) Double.parseDouble(digits);
      } else if (last == 'l') {
        String d = digits.substring(0, digits.length() - 1);
        value = hex ? Long.parseUnsignedLong(d.substring(2), 16) : Long.parseLong(d);
      } else {
        long v = hex ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseLong(digits);
        if (v > (hex ? 0xFFFFFFFFL : 2147483648L)) throw new LexError("integer number too large", start);
        value = (int) v;
      }
      return new Token(Token.Kind.NUMBER, text, start, value);
    } catch (NumberFormatException e) {
      throw new LexError("malformed number", start);
    }
  }

  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
      "0[xX][0-9a-fA-F_]+[lL]?|(?:[0-9][0-9_]*(?:\\.[0-9_]*)?|\\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?[fFdDlL]?");

  private Token string(int start) throws LexError {
    StringBuilder sb = new StringBuilder();
    i = start + 1;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '"') {
        i++;
        return new Token(Token.Kind.STRING, src.substring(start, i), start, sb.toString());
      }
      if (c == '\n') break;
      if (c == '\\') {
        sb.append(escape());
        continue;
      }
      sb.append(c);
      i++;
    }
    throw new LexError("unterminated string literal", start);
  }

  private Token character(int start) throws LexError {
    i = start + 1;
    if (i >= src.length()) throw new LexError("unterminated char literal", start);
    char value;
    if (src.charAt(i) == '\\') value = escape();
    else value = src.charAt(i++);
    if (i >= src.length() || src.charAt(i) != '\'') throw new LexError("unterminated char literal", start);
    i++;
    return new Token(Token.Kind.CHAR, src.substring(start, i), start, value);
  }

  private char escape() throws LexError {
    int at = i;
    i++;
    if (i >= src.length()) throw new LexError("unterminated string literal", at);
    char c = src.charAt(i++);
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case 's': return ' ';
      case '0': return '\0';
      case '\\': return '\\';
      case '\'': return '\'';
      case '"': return '"';
      case 'u':
        if (i + 4 <= src.length()) {
          try {
            char u = (char) Integer.parseInt(src.substring(i, i + 4), 16);
            i += 4;
            return u;
          } catch (NumberFormatException ignored) {
            // said below
          }
        }
        throw new LexError("illegal unicode escape", at);
      default:
        throw new LexError("illegal escape character \\" + c, at);
    }
  }
}
