package dev.sonde.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared conformance data and golden vectors are (protocol/, passed by Surefire as sonde.protocol.dir). */
final class Conformance {
  private Conformance() {}

  static Path protocol() {
    String dir = System.getProperty("sonde.protocol.dir");
    Path p = dir != null ? Path.of(dir) : Path.of("..", "..", "protocol");
    if (!Files.isDirectory(p.resolve("vectors"))) throw new IllegalStateException("no protocol folder at " + p.toAbsolutePath() + ": run the tests from agents/jvm with Maven");
    return p;
  }

  static Path vectors() {
    return protocol().resolve("vectors");
  }

  static Path conformance() {
    return protocol().resolve("conformance");
  }

  /** The cases of a conformance file that the JVM runs (no "runtimes", or "jvm" among them). */
  static java.util.List<com.google.gson.JsonObject> cases(String file) throws java.io.IOException {
    com.google.gson.JsonObject data = com.google.gson.JsonParser.parseString(Files.readString(conformance().resolve(file))).getAsJsonObject();
    java.util.List<com.google.gson.JsonObject> out = new java.util.ArrayList<>();
    for (com.google.gson.JsonElement e : data.getAsJsonArray("cases")) {
      com.google.gson.JsonObject c = e.getAsJsonObject();
      if (!c.has("runtimes") || c.getAsJsonArray("runtimes").contains(new com.google.gson.JsonPrimitive("jvm"))) out.add(c);
    }
    return out;
  }

  /** A text in the conformance files' notation: plain, {"repeat": {"text", "times"}}, {"concat": [...]}. */
  static String text(com.google.gson.JsonElement notation) {
    if (notation.isJsonPrimitive()) return notation.getAsString();
    com.google.gson.JsonObject o = notation.getAsJsonObject();
    if (o.has("repeat")) {
      com.google.gson.JsonObject r = o.getAsJsonObject("repeat");
      return text(r.get("text")).repeat(r.get("times").getAsInt());
    }
    if (o.has("concat")) {
      StringBuilder sb = new StringBuilder();
      for (com.google.gson.JsonElement part : o.getAsJsonArray("concat")) sb.append(text(part));
      return sb.toString();
    }
    throw new IllegalArgumentException("not a text in the conformance notation: " + notation);
  }
}
