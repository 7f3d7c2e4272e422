package dev.sonde.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sonde.agent.values.Redaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** protocol/conformance/redaction.json: which names and values are redacted, and which operator patterns are refused. */
class RedactionConformanceTest {
  static Stream<Named<JsonObject>> cases() throws IOException {
    return Conformance.cases("redaction.json").stream().map(c -> Named.of(c.get("name").getAsString(), c));
  }

  private static List<String> strings(JsonObject c, String key) {
    List<String> out = new ArrayList<>();
    if (c.has(key)) for (JsonElement e : c.getAsJsonArray(key)) out.add(e.getAsString());
    return out;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void redacts(JsonObject c) {
    Redaction r = new Redaction();
    assertEquals(List.of(), r.set(strings(c, "policyNames"), strings(c, "policyPatterns")));
    if (c.has("names")) {
      JsonObject names = c.getAsJsonObject("names");
      for (String n : strings(names, "redacted")) assertTrue(r.sensitiveName(n), n);
      for (String n : strings(names, "kept")) assertFalse(r.sensitiveName(n), n);
    }
    if (c.has("values")) {
      for (JsonElement e : c.getAsJsonArray("values")) {
        JsonObject v = e.getAsJsonObject();
        String in = v.get("in").getAsString();
        assertEquals(v.get("out").getAsString(), r.redactText(in));
        // A log value goes through redactValue, whose fast path for short numbers must change nothing.
        if (!in.contains(": ")) assertEquals(v.get("out").getAsString(), r.redactValue(in), in + " as a log value");
      }
    }
    for (String p : strings(c, "refusedPatterns")) assertNotNull(Redaction.checkPattern(p), p);
    for (String p : strings(c, "acceptedPatterns")) assertNull(Redaction.checkPattern(p), p);
  }
}
