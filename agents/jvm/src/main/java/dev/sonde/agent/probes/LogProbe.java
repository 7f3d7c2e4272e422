package dev.sonde.agent.probes;

import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.expr.Format;
import dev.sonde.agent.expr.Node;
import dev.sonde.agent.expr.Parser;
import dev.sonde.agent.values.Values;
import java.util.ArrayList;
import java.util.List;

/** A log action's probe: the format's values read at the line and rendered, as one line. */
public final class LogProbe extends Probe {
  private final String[] literals;
  private final Node[] values;
  private boolean failureLogged;

  private final dev.sonde.agent.values.Redaction redaction;
  /** Each expression's last name (user.password gives password): a secret name reads as [redacted]. */
  private final String[] lastNames;

  public LogProbe(String actionId, String format, String condition, Quota quota, Sink sink) throws ExpressionError {
    this(actionId, format, condition, quota, sink, new dev.sonde.agent.values.Redaction());
  }

  public LogProbe(String actionId, String format, String condition, Quota quota, Sink sink, dev.sonde.agent.values.Redaction redaction) throws ExpressionError {
    super(actionId, condition, quota, sink);
    this.redaction = redaction;
    List<String> lits = new ArrayList<>();
    List<Node> exprs = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    List<Format.Part> parts;
    try {
      parts = Format.split(format == null ? "" : format);
      for (Format.Part part : parts) {
        if (part instanceof Format.Text t) {
          text.append(t.text());
        } else {
          Format.Expr e = (Format.Expr) part;
          lits.add(text.toString());
          text.setLength(0);
          Node node = Parser.parse(format, e.start(), e.end());
          collectNames(node, names);
          exprs.add(node);
        }
      }
    } catch (ExpressionError e) {
      throw new ExpressionError(e.code(), "format: " + e.getMessage() + "; nothing was installed");
    }
    lits.add(text.toString());
    this.literals = lits.toArray(new String[0]);
    this.values = exprs.toArray(new Node[0]);
    this.lastNames = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      Node n = values[i];
      lastNames[i] = n instanceof Node.Name name ? name.name() : n instanceof Node.Field f ? f.name() : null;
    }
  }

  @Override
  void produce(Site site, Object[] args) throws Evaluator.EvalError {
    int[] passed = site.slotsOf(values);
    if (immutable(passed, args)) {
      // Bare names of passed values that cannot change (numbers, strings): the text is made on the agent's thread.
      sink.lineLater(actionId, () -> text(passed, args));
      return;
    }
    StringBuilder line = new StringBuilder(literals[0]);
    Evaluator eval = null;
    for (int i = 0; i < values.length; i++) {
      // The commonest format reads locals by name (`i={i}`): their values are passed, no evaluation needed.
      Object v;
      if (passed[i] >= 0) {
        v = args[passed[i]];
      } else {
        if (eval == null) eval = new Evaluator(site, args, scope);
        v = eval.eval(values[i]);
      }
      String text = hidden()[i] ? dev.sonde.agent.values.Redaction.REDACTED : redaction.redactValue(Values.render(v));
      line.append(text).append(literals[i + 1]);
    }
    sink.line(actionId, line.toString());
  }

  private static boolean immutable(int[] passed, Object[] args) {
    for (int k : passed) {
      if (k < 0) return false;
      Object v = args[k];
      if (!(v == null || v instanceof Integer || v instanceof Long || v instanceof String || v instanceof Boolean || v instanceof Double
          || v instanceof Character || v instanceof Short || v instanceof Byte || v instanceof Float)) return false;
    }
    return true;
  }

  /** The line of passed values, redacted as any line is. */
  private String text(int[] passed, Object[] args) {
    StringBuilder line = new StringBuilder(literals[0]);
    boolean[] h = hidden();
    for (int i = 0; i < passed.length; i++) line.append(h[i] ? dev.sonde.agent.values.Redaction.REDACTED : redaction.redactValue(Values.render(args[passed[i]]))).append(literals[i + 1]);
    return line.toString();
  }

  private volatile boolean[] hidden;
  private volatile int hiddenFor = -1;

  /** Which expressions read as [redacted] by their name, for the redaction in force (decided once per policy). */
  private boolean[] hidden() {
    boolean[] h = hidden;
    if (h == null || hiddenFor != redaction.version()) {
      h = new boolean[lastNames.length];
      for (int i = 0; i < h.length; i++) h[i] = lastNames[i] != null && redaction.sensitiveName(lastNames[i]);
      hiddenFor = redaction.version();
      hidden = h;
    }
    return h;
  }

  @Override
  void fail(String code, String message) {
    super.fail(code, message);
    if (!failureLogged) { // the first failure, said as one of its lines too: the state says the rest
      failureLogged = true;
      sink.line(actionId, "[sonde] " + message);
    }
  }
}
