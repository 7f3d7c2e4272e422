package dev.sonde.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sonde.agent.files.PathMatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** protocol/conformance/path-match.json: which loaded file a workspace path means. */
class PathMatchConformanceTest {
  static Stream<Named<JsonObject>> cases() throws IOException {
    return Conformance.cases("path-match.json").stream().map(c -> Named.of(c.get("name").getAsString(), c));
  }

  private static List<String> strings(JsonElement array) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : array.getAsJsonArray()) out.add(e.getAsString());
    return out;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matches(JsonObject c) {
    PathMatch.Result r = PathMatch.matchUnder(c.get("path").getAsString(), strings(c.get("loaded")), strings(c.get("roots")));
    JsonObject expect = c.getAsJsonObject("expect");
    if (expect.has("match")) assertEquals(expect.get("match").getAsString(), r.path(), String.valueOf(r));
    else if (expect.has("candidates")) assertEquals(strings(expect.get("candidates")), r.candidates());
    else assertEquals(PathMatch.Result.NONE, r);
  }
}
