package dev.sonde.agent.expr;

/** Why an expression is refused: a reason code (invalid-expression, unsafe-expression) and what to do, with the column. */
public final class ExpressionError extends Exception {
  public static final String INVALID = "invalid-expression";
  public static final String UNSAFE = "unsafe-expression";

  private final String code;

  public ExpressionError(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
