package dev.sonde.agent.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.probes.fixture.Target;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conditions on primitive locals compiled into the method (InlineCondition, FrameAt): the rewritten class
 * passes the JVM's verifier, the probe fires exactly when Java would say the condition holds (NaN, long
 * and int arithmetic included), and a condition outside the subset still works, evaluated at the hit.
 */
class InlineConditionTest {
  static byte[] original(Class<?> c) throws Exception {
    try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }

  /** Target rewritten with a log under ``condition`` at ``line``, defined in a loader of its own (so the JVM verifies it). */
  static Class<?> rewritten(String condition, int line, RecordingSink sink, boolean[] inlined) throws Exception {
    LogProbe probe = new LogProbe("t", "i={i}", condition, null, sink);
    LineInjector.Result r = LineInjector.instrument(original(Target.class), InlineConditionTest.class.getClassLoader(), List.of(new LineInjector.Want(probe, line)), (c, m) -> false);
    inlined[0] = r.sites().stream().allMatch(s -> s.conditionInlined);
    return RewrittenClass.load(Target.class, r.bytes());
  }

  record In(int i, long l, double d, boolean b) {}

  static final List<In> INPUTS = List.of(new In(-3, 5, 0.25, false), new In(0, -1, 0.75, true), new In(5, 5, Double.NaN, false),
      new In(7, Long.MAX_VALUE, -0.0, true), new In(Integer.MAX_VALUE, 2, 1e300, false), new In(4, 0, 0.5, false));

  static Stream<Arguments> conditions() {
    return Stream.of(
        Arguments.of("i < 0", (Predicate<In>) x -> x.i() < 0),
        Arguments.of("i >= 5 && !b", (Predicate<In>) x -> x.i() >= 5 && !x.b()),
        Arguments.of("l * 2 == 10", (Predicate<In>) x -> x.l() * 2 == 10),
        Arguments.of("d > 0.5", (Predicate<In>) x -> x.d() > 0.5),
        Arguments.of("d <= 0.5", (Predicate<In>) x -> x.d() <= 0.5),
        Arguments.of("d != d", (Predicate<In>) x -> x.d() != x.d()),
        Arguments.of("d == d", (Predicate<In>) x -> x.d() == x.d()),
        Arguments.of("i + 1 > i", (Predicate<In>) x -> x.i() + 1 > x.i()),
        Arguments.of("i - 1 <= 3 || b", (Predicate<In>) x -> x.i() - 1 <= 3 || x.b()),
        Arguments.of("-i != 0", (Predicate<In>) x -> -x.i() != 0),
        Arguments.of("l > i", (Predicate<In>) x -> x.l() > x.i()),
        Arguments.of("b", (Predicate<In>) In::b));
  }

  @ParameterizedTest
  @MethodSource("conditions")
  void firesExactlyWhenJavaSaysTheConditionHolds(String condition, Predicate<In> java) throws Exception {
    RecordingSink sink = new RecordingSink();
    boolean[] inlined = {false};
    Class<?> c = rewritten(condition, 9, sink, inlined);
    assertTrue(inlined[0], condition + " is compiled into the method");
    Method work = c.getMethod("work", int.class, long.class, double.class, boolean.class);
    List<String> want = new ArrayList<>();
    for (In x : INPUTS) {
      assertEquals(x.i() + (int) x.l(), work.invoke(null, x.i(), x.l(), x.d(), x.b()), "the method returns what it did");
      if (java.test(x)) want.add("i=" + x.i());
    }
    assertEquals(want, sink.lines, condition);
  }

  @Test
  void aConditionOutsideTheSubsetIsEvaluatedAtTheHit() throws Exception {
    RecordingSink sink = new RecordingSink();
    boolean[] inlined = {true};
    Class<?> c = rewritten("i > 0 && i / 2 == 2", 9, sink, inlined);
    assertTrue(!inlined[0], "division could fail: left to the evaluator");
    Method work = c.getMethod("work", int.class, long.class, double.class, boolean.class);
    for (int i = 0; i < 6; i++) work.invoke(null, i, 0L, 0.0, false);
    assertEquals(List.of("i=4", "i=5"), sink.lines);
  }

  @Test
  void aGuardInsideALoopKeepsTheLoopsFrames() throws Exception {
    RecordingSink sink = new RecordingSink();
    LogProbe probe = new LogProbe("t", "n={n}", "n > 2", null, sink);
    LineInjector.Result r = LineInjector.instrument(original(Target.class), getClass().getClassLoader(), List.of(new LineInjector.Want(probe, 15)), (x, m) -> false);
    assertTrue(r.sites().get(0).conditionInlined);
    Method loop = RewrittenClass.load(Target.class, r.bytes()).getMethod("loop", String[].class);
    assertEquals(9, loop.invoke(null, (Object) new String[] {"ab", "c", "def", "ghi"}));
    assertEquals(List.of("n=3", "n=6"), sink.lines, "inside the for-each loop (its iterator's hidden locals kept in the frame)");
  }

  static {
    try {
      new LogProbe("warm", "x", "", null, new RecordingSink());
    } catch (ExpressionError e) {
      throw new AssertionError(e);
    }
  }
}
