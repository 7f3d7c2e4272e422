package dev.sonde.agent.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sonde.agent.probes.fixture.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tic-toc's function form: every call of the method that starts at the line, each return and each exception ending its span. */
class TicTocWholeMethodTest {
  static Class<?> rewritten(AggregateProbes.TicToc probe, int line) throws Exception {
    LineInjector.Result r = LineInjector.instrument(InlineConditionTest.original(Target.class), TicTocWholeMethodTest.class.getClassLoader(), List.of(new LineInjector.Want(probe, line)), (c, m) -> false);
    assertTrue(r.bytes() != null && !r.sites().isEmpty(), "the method that starts at line " + line + " was found");
    return RewrittenClass.load(Target.class, r.bytes());
  }

  @Test
  void timesEveryReturnAndEveryExceptionAndThrowsItOnAsItWas() throws Exception {
    AggregateProbes.TicToc probe = new AggregateProbes.TicToc("t", 20, 0, "", new RecordingSink());
    Method risky = rewritten(probe, 20).getMethod("risky", int.class);
    assertEquals(10, risky.invoke(null, 1), "a return inside try/finally");
    assertEquals(14, risky.invoke(null, 7), "the last return");
    InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> risky.invoke(null, -1));
    assertTrue(thrown.getCause() instanceof IllegalArgumentException && thrown.getCause().getMessage().equals("negative: -1"), "the program's own exception, unchanged");
    assertEquals(21, thrown.getCause().getStackTrace()[0].getLineNumber(), "thrown from its own line");
    AggregateProbes.Aggregate a = probe.takeAggregate();
    assertEquals(3, a.count, "two returns and an exception: three spans");
    assertTrue(a.min >= 0 && a.max < 1000, a.min + ".." + a.max);
  }

  @Test
  void aFalseConditionLeavesTheCallUntimedWithoutUnpairingTheRest() throws Exception {
    AggregateProbes.TicToc probe = new AggregateProbes.TicToc("t", 20, 0, "n > 0", new RecordingSink());
    Method risky = rewritten(probe, 20).getMethod("risky", int.class);
    risky.invoke(null, 0);
    risky.invoke(null, 1);
    risky.invoke(null, 2);
    assertEquals(2, probe.takeAggregate().count);
  }
}
