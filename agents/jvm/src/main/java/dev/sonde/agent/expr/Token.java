package dev.sonde.agent.expr;

/** One token of an expression: its kind, its text, and where it starts (a char index in the source). */
public record Token(Kind kind, String text, int start, Object value) {
  public enum Kind { NAME, NUMBER, STRING, CHAR, OP, END }

  public boolean is(String op) {
    return (kind == Kind.OP || kind == Kind.NAME) && text.equals(op);
  }
}
