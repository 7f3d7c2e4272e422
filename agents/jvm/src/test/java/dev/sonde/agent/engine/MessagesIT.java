package dev.sonde.agent.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sonde.agent.Agent;
import dev.sonde.agent.probes.Engine;
import dev.sonde.agent.probes.RecordingSink;
import dev.sonde.agent.values.Capture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * protocol/conformance/messages.json against a real engine in a JVM running the agent (failsafe gives
 * it -javaagent): each state the JVM agent can reach is reached on a real class, and its text is the
 * file's. The cases it cannot reach are skipped, each saying why.
 */
class MessagesIT {
  static final String FILE = "agents/jvm/src/test/java/dev/sonde/agent/engine/Messages.java";

  static final Map<String, String> NOT_HERE = Map.ofEntries(
      Map.entry("line-out-of-range", "a JVM has the class's line table, not its source: a line past the end is a line with no code"),
      Map.entry("file-not-found", "a JVM has no source files to look for: a path no loaded class has waits for one to load"),
      Map.entry("agent-stopped", "the JVM engine has no stop yet"),
      Map.entry("agent-not-started", "the JVM engine starts with the agent"),
      Map.entry("agent-start-failed", "reached through the agent's start, said on stderr"),
      Map.entry("log-fields-not-text", "protobuf gives Java strings: a format or condition cannot be anything else"),
      Map.entry("internal-upsert", "no fault injection into the JVM engine yet"),
      Map.entry("internal-place", "no fault injection into the JVM engine yet"),
      Map.entry("internal-load", "no fault injection into the JVM engine yet"),
      Map.entry("ambiguous-path-many", "one test class set: the two-candidate case stands for it"));

  static Stream<Named<JsonObject>> cases() throws Exception {
    Path dir = Path.of(System.getProperty("sonde.protocol.dir", "../../protocol"), "conformance");
    JsonObject data = JsonParser.parseString(Files.readString(dir.resolve("messages.json"))).getAsJsonObject();
    List<Named<JsonObject>> out = new ArrayList<>();
    for (JsonElement e : data.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      if (c.has("runtimes") && !c.getAsJsonArray("runtimes").toString().contains("jvm")) continue;
      out.add(Named.of(c.get("id").getAsString(), c));
    }
    return out.stream();
  }

  /** Drives a fresh engine to the case's state; returns {state, code, text} and the placeholders' values. */
  static Object[] drive(String id, Engine e, RecordingSink rec) throws Exception {
    Messages.f(0); // loaded, so indexed
    switch (id) {
      case "no-file": e.upsert("n", "log", "", 1, "x", ""); return of(rec, Map.of());
      case "not-a-line": e.upsert("n", "log", FILE, 0, "x", ""); return of(rec, Map.of("line", "0"));
      case "unsupported-kind": e.upsert("k", "action kind 77", FILE, 8, "x", ""); return of(rec, Map.of("kind", "action kind 77", "agent", "the JVM agent", "kinds", Engine.KINDS));
      case "no-code-at-line": e.upsert("n", "log", FILE, 9, "x", ""); return of(rec, Map.of("line", "9", "path", "dev/sonde/agent/engine/Messages.java"));
      case "file-not-loaded": e.upsert("l", "log", "src/test/java/dev/sonde/agent/engine/Later.java", 8, "{n}", ""); return of(rec, Map.of("path", "src/test/java/dev/sonde/agent/engine/Later.java"));
      case "ambiguous-path": e.upsert("a", "log", "Messages.java", 8, "x", ""); return rec.last()[2].equals("ambiguous-path") ? of(rec, null) : null;
      case "blocked-file": e.setPolicy(List.of(), List.of(), List.of("Messages.java"), List.of()); e.upsert("b", "log", FILE, 8, "x", ""); return of(rec, Map.of("file", FILE, "glob", "Messages.java"));
      case "probe-limit": return null;
      case "tictoc-end-before-start": e.upsert("t", "tictoc", FILE, 10, "", "", List.of(), 0, Capture.Limits.DEFAULT, 8); return of(rec, Map.of("end", "8", "line", "10"));
      case "tictoc-no-function": e.upsert("t", "tictoc", FILE, 9, "", "", List.of(), 0, Capture.Limits.DEFAULT, 0); return of(rec, Map.of("line", "9"));
      case "tictoc-across-files": e.upsert("t", "tictoc", FILE, 8, "", "", List.of(), 0, Capture.Limits.DEFAULT, -1); return of(rec, Map.of());
      case "tictoc-end-no-code": e.upsert("t", "tictoc", FILE, 8, "", "", List.of(), 0, Capture.Limits.DEFAULT, 9); return of(rec, Map.of("line", "9", "path", "dev/sonde/agent/engine/Messages.java"));
      case "condition-invalid": e.upsert("c", "log", FILE, 8, "x", "a +"); return free(rec, "condition: ", "; nothing was installed");
      case "condition-unsafe": e.upsert("c", "log", FILE, 8, "x", "f()"); return free(rec, "condition: ", "; nothing was installed");
      case "format-invalid": e.upsert("c", "log", FILE, 8, "{a +", ""); return free(rec, "format: ", "; nothing was installed");
      case "format-unsafe": e.upsert("c", "log", FILE, 8, "{f()}", ""); return free(rec, "format: ", "; nothing was installed");
      case "condition-failing": e.upsert("c", "log", FILE, 8, "x", "nothing_here > 1"); Messages.f(1); return of(rec, Map.of());
      case "condition-failing-line": e.upsert("c", "log", FILE, 8, "x", "nothing_here > 1"); Messages.f(1); Messages.f(2); assertEquals(1, rec.lines.size(), "said once"); return new Object[] {new String[] {"", "", "", rec.lines.get(0)}, Map.of()};
      case "line-failing": e.upsert("c", "log", FILE, 8, "{nothing_here}", ""); Messages.f(1); return of(rec, Map.of());
      case "quota-paused":
      case "quota-paused-snapshot": {
        String kind = id.equals("quota-paused") ? "log" : "snapshot";
        e.upsert("q", kind, FILE, 8, "a={a}", "", List.of(), 1000, Capture.Limits.DEFAULT);
        for (int i = 0; i < 300; i++) Messages.f(i);
        for (String[] s : rec.stateParts) if (s[1].equals("paused")) return new Object[] {s, Map.of()};
        return null;
      }
      default: return null;
    }
  }

  private static Object[] of(RecordingSink rec, Map<String, String> values) {
    return new Object[] {rec.last(), values};
  }

  /** For a case whose {error} is free: the text must start and end as the template does around it. */
  private static Object[] free(RecordingSink rec, String prefix, String suffix) {
    String text = rec.last()[3];
    assertTrue(text.startsWith(prefix) && text.endsWith(suffix) && text.length() > prefix.length() + suffix.length(), text);
    return new Object[] {rec.last(), Map.of("error", text.substring(prefix.length(), text.length() - suffix.length()))};
  }

  @ParameterizedTest
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void reachesTheStateWithTheFilesText(JsonObject c) throws Exception {
    String id = c.get("id").getAsString();
    assumeTrue(!NOT_HERE.containsKey(id), NOT_HERE.get(id));
    assertNotNull(Agent.instrumentation(), "run under -javaagent (failsafe does)");
    RecordingSink rec = new RecordingSink();
    Engine e = new Engine(Agent.instrumentation(), rec, id.equals("probe-limit") ? 1 : 5000, "");
    try {
      if (id.equals("probe-limit")) {
        e.upsert("a", "log", FILE, 8, "x", "");
        e.upsert("b", "log", FILE, 14, "x", "");
        String[] held = rec.last();
        assertEquals("probe-limit", held[2]);
        check(c, held, Map.of("held", "1"));
        return;
      }
      Object[] got = drive(id, e, rec);
      assumeTrue(got != null, "no driver for " + id + " in the JVM agent yet");
      check(c, (String[]) got[0], (Map<String, String>) got[1]);
    } finally {
      for (String a : List.of("n", "k", "l", "a", "b", "t", "c", "q")) e.remove(a);
      e.setPolicy(List.of(), List.of(), List.of(), List.of());
    }
  }

  private static void check(JsonObject c, String[] state, Map<String, String> values) {
    if (!c.has("as")) {
      assertEquals(c.get("state").getAsString(), state[1].equals("paused") ? "paused" : state[1], String.join(" | ", state));
      assertEquals(c.get("code").getAsString(), state[2], String.join(" | ", state));
    }
    String text = c.get("template").getAsString();
    for (Map.Entry<String, String> v : values.entrySet()) text = text.replace("{" + v.getKey() + "}", v.getValue());
    if (c.has("free") && text.contains("{" + c.getAsJsonArray("free").get(0).getAsString() + "}")) {
      String[] around = text.split("\\{" + c.getAsJsonArray("free").get(0).getAsString() + "\\}", 2);
      assertTrue(state[3].startsWith(around[0]) && state[3].endsWith(around[1]) && state[3].length() > around[0].length() + around[1].length(), state[3]);
      return;
    }
    assertEquals(text, state[3]);
  }
}
