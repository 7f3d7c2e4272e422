package dev.sonde.agent;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.expr.Parser;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** protocol/conformance/expressions.json: what a probe's expression may be, and what each refusal says. */
class ExpressionsConformanceTest {
  static Stream<Named<JsonObject>> cases() throws IOException {
    return Conformance.cases("expressions.json").stream().map(c -> Named.of(c.get("name").getAsString(), c));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void expression(JsonObject c) {
    String source = Conformance.text(c.get("expression"));
    JsonObject expect = c.getAsJsonObject("expect");
    if (expect.has("ok")) {
      assertDoesNotThrow(() -> Parser.parse(source));
      return;
    }
    ExpressionError err = assertThrows(ExpressionError.class, () -> Parser.parse(source));
    assertEquals(expect.get("code").getAsString(), err.code(), err.getMessage());
    if (expect.has("error")) assertEquals(expect.get("error").getAsString(), err.getMessage());
    else assertTrue(err.getMessage().startsWith(expect.get("errorStartsWith").getAsString()), err.getMessage());
  }
}
