package dev.sonde.agent.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Kotlin's SMAP, as kotlinc 2.4 wrote it for examples/kotlin-primes: the inline function's lines at their call site in main. */
class SmapTest {
  static final String KOTLIN = "SMAP\nPrimeMainComplex.kt\nKotlin\n*S Kotlin\n*F\n+ 1 PrimeMainComplex.kt\nPrimeMainComplex\n+ 2 Report.kt\ncom/acme/ReportKt\n*L\n1#1,59:1\n5#2,2:60\n*S KotlinDebug\n*F\n+ 1 PrimeMainComplex.kt\nPrimeMainComplex\n*L\n51#1:60,2\n*E\n";

  @Test
  void mapsAnInlineFunctionsLinesToTheirCopiesAndTheOwnFileToItself() {
    Smap smap = Smap.parse(KOTLIN, "PrimeMainComplex");
    assertEquals(List.of(60), smap.outputs("com/acme/Report.kt", 5), "the body's first line, copied at the call site");
    assertEquals(List.of(61), smap.outputs("com/acme/Report.kt", 6));
    assertEquals(List.of(45), smap.outputs("PrimeMainComplex.kt", 45), "the class's own lines map to themselves");
    assertEquals(List.of(), smap.outputs("com/acme/Report.kt", 7));
    assertEquals(List.of(), smap.outputs("PrimeMainComplex.kt", 60), "the KotlinDebug stratum is not read");
  }

  @Test
  void aWantInAnotherFileGoesOnlyToTheCopies() {
    Smap smap = Smap.parse(KOTLIN, "PrimeMainComplex");
    assertEquals(List.of(60), LineInjector.bytecodeLines(new LineInjector.Want(null, 5, false, "com/acme/Report.kt"), "PrimeMainComplex.kt", smap));
    assertEquals(List.of(45), LineInjector.bytecodeLines(new LineInjector.Want(null, 45, false, "PrimeMainComplex.kt"), "PrimeMainComplex.kt", smap));
    assertEquals(List.of(), Smap.parse(null, "X").outputs("X.kt", 1), "a class without a SMAP");
  }
}
