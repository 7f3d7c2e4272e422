package dev.sonde.agent.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sonde.agent.expr.ExpressionError;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expressions that would change the program's state or run its code: each is refused with a reason (when
 * the log is added, or when it fires), or shown harmless, and the program's side effects never happen.
 */
class UnsafeExpressionsTest {
  /** A program class whose every method has a side effect a probe must never cause. */
  static final class Account {
    static int sideEffects;
    String owner = "ada";
    int balance = 10;
    List<String> tags = new ArrayList<>(List.of("vip"));

    public String getOwner() {
      sideEffects++;
      return owner;
    }

    @Override
    public String toString() {
      sideEffects++;
      return "Account(" + owner + ")";
    }

    @Override
    public boolean equals(Object o) {
      sideEffects++;
      return true;
    }

    @Override
    public int hashCode() {
      sideEffects++;
      return 1;
    }

    void close() {
      sideEffects++;
    }
  }

  /** A program's own list: its size() is the program's code. */
  static final class CountingList extends AbstractList<String> {
    @Override
    public String get(int i) {
      Account.sideEffects++;
      return "x";
    }

    @Override
    public int size() {
      Account.sideEffects++;
      return 1;
    }
  }

  static Stream<Named<String[]>> refusedWhenAdded() {
    return Stream.of(
        c("assignment", "{a = 1}", "unsafe-expression", "assignment (=) at column 2 is refused: it would change program state"),
        c("assignment to a field", "{account.balance = 0}", "unsafe-expression", "assignment (=) at column 2 is refused: it would change program state"),
        c("compound assignment", "{account.balance += 1}", "unsafe-expression", "assignment (+=) at column 2 is refused: it would change program state"),
        c("assignment inside parentheses", "{x == (a = 1)}", "unsafe-expression", "assignment (=) at column 8 is refused: it would change program state"),
        c("increment", "{i++}", "unsafe-expression", "++ at column 2 is refused: it would change program state"),
        c("pre-decrement", "{--i}", "unsafe-expression", "-- at column 2 is refused: it would change program state"),
        c("object creation", "{new Account()}", "unsafe-expression", "new at column 2 is refused: it runs a constructor"),
        c("System.exit", "{System.exit(1)}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("Thread.sleep", "{Thread.sleep(1000)}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("reflection", "{account.getClass().getDeclaredFields()}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("Class.forName", "{Class.forName(\"x\")}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("a program getter", "{account.getOwner()}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("toString", "{account.toString()}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("equals", "{account.equals(other)}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("hashCode", "{account.hashCode()}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("close", "{account.close()}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("a lambda", "{x -> x}", "unsafe-expression", "lambda at column 2 is refused: a probe never runs program code"),
        c("a method reference", "{account::close}", "unsafe-expression", "method reference at column 2 is refused: a probe never runs program code"),
        c("an allow-listed name with the wrong arity", "{s.length(1)}", "unsafe-expression", "function call at column 2 is refused: a probe never runs program code (read a property or variable instead)"),
        c("instanceof", "{a instanceof String}", "unsafe-expression", "instanceof at column 4 is refused: it is not in a probe's language"),
        c("switch", "{switch}", "unsafe-expression", "switch at column 2 is refused: it is not in a probe's language"),
        c("deep recursion in the expression", "{" + "(".repeat(500) + "a" + ")".repeat(500) + "}", "invalid-expression", null));
  }

  private static Named<String[]> c(String name, String format, String code, String message) {
    return Named.of(name, new String[] {format, code, message});
  }

  @ParameterizedTest
  @MethodSource("refusedWhenAdded")
  void isRefusedWhenTheLogIsAdded(String[] c) {
    try {
      new LogProbe("a", c[0], "", null, new RecordingSink());
    } catch (ExpressionError e) {
      assertEquals(c[1], e.code(), e.getMessage());
      if (c[2] != null) assertEquals("format: " + c[2] + "; nothing was installed", e.getMessage());
      return;
    }
    throw new AssertionError("not refused: " + c[0]);
  }

  /** Fires a log at a site whose locals are account, other, accounts, list and big. */
  private static RecordingSink fire(String format) throws ExpressionError {
    RecordingSink sink = new RecordingSink();
    LogProbe probe = new LogProbe("a", format, "", null, sink);
    List<Site.Local> locals = List.of(new Site.Local("account", 1, "Ljava/lang/Object;"), new Site.Local("other", 2, "Ljava/lang/Object;"),
        new Site.Local("accounts", 3, "Ljava/lang/Object;"), new Site.Local("list", 4, "Ljava/lang/Object;"), new Site.Local("big", 5, "Ljava/lang/Object;"));
    Site site = new Site(probe, UnsafeExpressionsTest.class.getName(), UnsafeExpressionsTest.class.getClassLoader(), "m", 1, false, locals);
    Map<Account, String> accounts = new HashMap<>();
    Account.sideEffects = 0;
    Object[] values = {new Account(), new Account(), accounts, new CountingList(), "y".repeat(1 << 20)};
    probe.hit(site, values);
    return sink;
  }

  static Stream<Arguments> refusedWhenFired() {
    return Stream.of(
        Arguments.of("{list.size()}", "size() is refused on dev.sonde.agent.probes.UnsafeExpressionsTest$CountingList: a probe calls it only on the JDK's strings, lists and maps, never on the program's classes"),
        Arguments.of("{list[0]}", "CountingList cannot be indexed by a probe (arrays, strings and the JDK's lists and maps can)"),
        Arguments.of("{accounts[account]}", "a map is read only with a string, number, boolean or enum key"),
        Arguments.of("{big + big}", "+ would build a string of 2097152 characters; a probe builds at most 1048576"),
        Arguments.of("{account.missing}", "Account has no field missing (a probe reads fields, never getters)"));
  }

  @ParameterizedTest
  @MethodSource("refusedWhenFired")
  void isRefusedWhenItFiresAndRunsNoProgramCode(String format, String why) throws ExpressionError {
    RecordingSink sink = fire(format);
    assertEquals(0, Account.sideEffects, "no method of the program ran");
    assertTrue(sink.states.get(0).startsWith("error runtime-refused the line could not be formatted: " + why), sink.states.toString());
  }

  @Test
  void fieldsComparisonsAndConcatenationReadTheDataWithoutRunningTheProgramsMethods() throws ExpressionError {
    RecordingSink sink = fire("{account.owner} {account} {account == other} {\"\" + account} {account.tags.size()} {account.owner.length()}");
    assertEquals(0, Account.sideEffects, "no getter, toString, equals or hashCode of the program ran");
    assertEquals(List.of("ada UnsafeExpressionsTest.Account { owner: 'ada', balance: 10, tags: [ 'vip' ] } false UnsafeExpressionsTest.Account { owner: 'ada', balance: 10, tags: [ 'vip' ] } 1 3"), sink.lines);
    assertFalse(sink.states.stream().anyMatch(s -> s.startsWith("error")), sink.states.toString());
  }
}
