package dev.sonde.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import sonde.v1.EnvelopeOuterClass.Envelope;

/** Every golden vector decodes, reads as its JSON, and encodes back byte for byte. */
class GoldenVectorsTest {
  static Stream<String> names() throws IOException {
    try (Stream<Path> files = Files.list(Conformance.vectors())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin")).map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
    }
  }

  @Test
  void theVectorsAreThere() throws IOException {
    assertTrue(names().count() >= 10, "expected the golden vectors in " + Conformance.vectors());
  }

  @ParameterizedTest
  @MethodSource("names")
  void decodesReadsAndEncodesBack(String name) throws IOException {
    byte[] data = Files.readAllBytes(Conformance.vectors().resolve(name + ".bin"));
    String json = Files.readString(Conformance.vectors().resolve(name + ".json"));
    Envelope message = Envelope.parseFrom(data);
    assertEquals(JsonParser.parseString(json), JsonParser.parseString(JsonFormat.printer().print(message)));
    assertArrayEquals(data, message.toByteArray());
    Envelope.Builder fromJson = Envelope.newBuilder();
    JsonFormat.parser().merge(json, fromJson);
    assertArrayEquals(data, fromJson.build().toByteArray());
  }
}
