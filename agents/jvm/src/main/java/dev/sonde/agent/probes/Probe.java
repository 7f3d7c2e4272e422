package dev.sonde.agent.probes;

import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.expr.Node;
import dev.sonde.agent.expr.Parser;
import java.util.LinkedHashSet;
import java.util.Set;

/** What every probe does at a hit: its condition, its quota, its failures as states; each kind makes its own product. */
public abstract class Probe {
  public final String actionId;
  final Sink sink;
  final Quota quota;
  final Node condition;
  final Scope scope = new Scope();
  /** The names its expressions read: the injected code passes those that are locals at the line. */
  final Set<String> names = new LinkedHashSet<>();
  volatile boolean enabled = true;
  // Plain fields, read by the agent's thread now and then: under threads a lost increment is a miscount, never an error,
  // and a volatile write on every hit would cost more than the rest of a false condition.
  long hits;
  long suppressed;
  /** Calls of the probe's entry, and the cost of one in 64 of them from the 64th on (warm code): what the lens shows. */
  private long calls;
  private long sampledNs;
  private long samples;

  /** The mean cost of a hit inside the probe's code in nanoseconds; 0 until measured. */
  public double costNsPerHit() {
    long n = samples;
    return n == 0 ? 0 : (double) sampledNs / n;
  }
  private volatile boolean failing;
  /** What its active state says (the engine sets it: the bytecode, or the debugger fallback serving a running call), said again on resuming. */
  volatile String activeCode = "";
  volatile String activeMessage = "";

  Probe(String actionId, String condition, Quota quota, Sink sink) throws ExpressionError {
    this.actionId = actionId;
    this.sink = sink;
    this.quota = quota;
    String c = condition == null ? "" : condition.strip();
    try {
      this.condition = c.isEmpty() ? null : Parser.parse(c);
    } catch (ExpressionError e) {
      throw new ExpressionError(e.code(), "condition: " + e.getMessage() + "; nothing was installed");
    }
    if (this.condition != null) collectNames(this.condition, names);
  }

  public long hits() {
    return hits;
  }

  public long suppressed() {
    return suppressed;
  }

  public Set<String> names() {
    return names;
  }

  /** Whether the injected code passes every local in scope (a snapshot shows them all), not only the names read. */
  boolean allLocals() {
    return false;
  }

  final void hit(Site site, Object[] values) {
    if (!enabled) return;
    if ((++calls & 63) == 0) {
      long start = System.nanoTime();
      work(site, values);
      sampledNs += System.nanoTime() - start;
      samples++;
      return;
    }
    work(site, values);
  }

  private void work(Site site, Object[] values) {
    if (site.end) {
      toc();
      return;
    }
    if (condition != null && !site.conditionInlined) {
      try {
        if (!Evaluator.truth(new Evaluator(site, values, scope).eval(condition), "the condition")) {
          skipped();
          return;
        }
      } catch (Evaluator.EvalError | RuntimeException e) {
        fail("invalid-expression", "the condition could not be evaluated: " + message(e) + "; no line is logged while it fails");
        return;
      }
    }
    hits++;
    if (quota != null && !admit()) return;
    try {
      produce(site, values);
    } catch (Evaluator.EvalError | RuntimeException e) {
      fail("runtime-refused", "the line could not be formatted: " + message(e) + "; no line is logged while it fails");
      return;
    }
    if (failing) {
      failing = false;
      active();
    }
  }

  static String message(Throwable e) {
    return e instanceof Evaluator.EvalError ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private boolean admit() {
    boolean was = quota.paused;
    if (!quota.admit()) {
      suppressed++;
      if (!was) sink.state(actionId, "paused", "quota", quota.reason);
      return false;
    }
    if (was) active();
    return true;
  }

  /** A tic-toc's end site was reached (its span's end); other kinds have none. */
  void toc() {}

  /** The condition was false at this hit; a whole-method tic-toc marks the call so that its end pairs with it. */
  void skipped() {}

  /** Active again, saying what serves it. */
  void active() {
    sink.state(actionId, "active", activeCode, activeMessage);
  }

  void active(String code, String message) {
    activeCode = code;
    activeMessage = message;
    active();
  }

  void fail(String code, String message) {
    if (!failing) {
      failing = true;
      sink.state(actionId, "error", code, message);
    }
  }

  abstract void produce(Site site, Object[] values) throws Evaluator.EvalError;

  static void collectNames(Node node, Set<String> out) {
    if (node instanceof Node.Name n) out.add(n.name());
    for (Node child : node.children()) collectNames(child, out);
  }
}
