package dev.sonde.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.expr.Format;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** protocol/conformance/format.json: how a log format splits into text and expressions. */
class FormatConformanceTest {
  static Stream<Named<JsonObject>> cases() throws IOException {
    return Conformance.cases("format.json").stream().map(c -> Named.of(c.get("name").getAsString(), c));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void splits(JsonObject c) throws ExpressionError {
    String format = Conformance.text(c.get("format"));
    JsonObject expect = c.getAsJsonObject("expect");
    if (expect.has("parts")) {
      List<String> want = new ArrayList<>();
      for (JsonElement p : expect.getAsJsonArray("parts")) {
        JsonObject part = p.getAsJsonObject();
        want.add(part.has("text") ? "text:" + part.get("text").getAsString() : "expr:" + part.get("expr").getAsString() + "@" + part.get("column").getAsInt());
      }
      List<String> got = new ArrayList<>();
      for (Format.Part part : Format.split(format)) got.add(part instanceof Format.Text t ? "text:" + t.text() : "expr:" + ((Format.Expr) part).source() + "@" + ((Format.Expr) part).column());
      assertEquals(want, got);
      return;
    }
    ExpressionError err = assertThrows(ExpressionError.class, () -> Format.split(format));
    assertEquals(expect.get("code").getAsString(), err.code(), err.getMessage());
    if (expect.has("error")) assertEquals(expect.get("error").getAsString(), err.getMessage());
    else assertTrue(err.getMessage().startsWith(expect.get("errorStartsWith").getAsString()), err.getMessage());
  }
}
