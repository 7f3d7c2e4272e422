package dev.sonde.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sonde.agent.values.Values;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** protocol/conformance/values.json: how each value reads in a log line. */
class ValuesConformanceTest {
  static Stream<Named<JsonObject>> cases() throws IOException {
    return Conformance.cases("values.json").stream().map(c -> Named.of(c.get("name").getAsString(), c));
  }

  /** A value in the file's notation, as the JVM holds it: strings, Integer or Long, Double, Boolean, ArrayList, LinkedHashMap. */
  static Object value(JsonElement notation) {
    JsonObject o = notation.getAsJsonObject();
    if (o.has("str")) return Conformance.text(o.get("str"));
    if (o.has("int")) {
      long v = o.get("int").getAsLong();
      return v == (int) v ? (Object) (int) v : (Object) v;
    }
    if (o.has("float")) return o.get("float").getAsDouble();
    if (o.has("bool")) return o.get("bool").getAsBoolean();
    if (o.has("null")) return null;
    if (o.has("list")) {
      List<Object> out = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("list")) out.add(value(e));
      return out;
    }
    if (o.has("listOf")) {
      List<Object> out = new ArrayList<>();
      JsonObject of = o.getAsJsonObject("listOf");
      for (int i = 0; i < of.get("times").getAsInt(); i++) out.add(value(of.get("item")));
      return out;
    }
    if (o.has("map")) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (JsonElement pair : o.getAsJsonArray("map")) out.put(pair.getAsJsonArray().get(0).getAsString(), value(pair.getAsJsonArray().get(1)));
      return out;
    }
    throw new IllegalArgumentException("not a value in the conformance notation: " + notation);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void renders(JsonObject c) {
    assertEquals(Conformance.text(c.get("expect")), Values.render(value(c.get("value"))));
  }
}
