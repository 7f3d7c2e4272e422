package dev.sonde.agent.probes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A class's SourceDebugExtension (JSR-45 SMAP), as Kotlin writes it for inline functions: the lines of an
 * inline function's body appear at each call site under line numbers past the end of the calling file,
 * and the SMAP maps them back to the file and line they were written at. Only the first stratum is read
 * (Kotlin's; its KotlinDebug stratum maps call sites, which a probe does not need).
 */
final class Smap {
  /** Source path (package folders and file name) → its input lines → the class's output lines for each. */
  final Map<String, Map<Integer, List<Integer>>> lines = new LinkedHashMap<>();

  static Smap parse(String text, String ownerInternalName) {
    Smap smap = new Smap();
    if (text == null || !text.startsWith("SMAP")) return smap;
    String[] rows = text.split("\\r?\\n");
    Map<String, String> files = new LinkedHashMap<>();
    String section = "";
    String fileId = "1";
    for (int i = 0; i < rows.length; i++) {
      String row = rows[i].trim();
      if (row.startsWith("*")) {
        if (row.equals("*E")) break; // the first stratum only
        section = row;
        continue;
      }
      if (section.equals("*F")) {
        boolean withPath = row.startsWith("+ ");
        String[] parts = (withPath ? row.substring(2) : row).trim().split("\\s+", 2);
        if (parts.length < 2) continue;
        String path = withPath && i + 1 < rows.length ? rows[++i].trim() : ownerInternalName;
        int slash = path.lastIndexOf('/');
        files.put(parts[0], (slash >= 0 ? path.substring(0, slash + 1) : "") + parts[1]);
      } else if (section.equals("*L")) {
        // InputStartLine[#LineFileID][,RepeatCount]:OutputStartLine[,OutputLineIncrement]
        int colon = row.indexOf(':');
        if (colon < 0) continue;
        String in = row.substring(0, colon);
        String out = row.substring(colon + 1);
        try {
          int hash = in.indexOf('#');
          int comma = in.indexOf(',');
          int inStart = Integer.parseInt(in.substring(0, hash >= 0 ? hash : comma >= 0 ? comma : in.length()));
          if (hash >= 0) fileId = in.substring(hash + 1, comma >= 0 ? comma : in.length());
          int repeat = comma >= 0 ? Integer.parseInt(in.substring(comma + 1)) : 1;
          String[] o = out.split(",");
          int outStart = Integer.parseInt(o[0]);
          int increment = o.length > 1 ? Integer.parseInt(o[1]) : 1;
          String source = files.get(fileId);
          if (source == null) continue;
          Map<Integer, List<Integer>> byLine = smap.lines.computeIfAbsent(source, k -> new LinkedHashMap<>());
          for (int k = 0; k < repeat; k++) byLine.computeIfAbsent(inStart + k, x -> new ArrayList<>()).add(outStart + k * increment);
        } catch (NumberFormatException malformed) {
          // a row that is not a line mapping: left out
        }
      }
    }
    return smap;
  }

  /** The class's bytecode lines for ``line`` of ``source``: the SMAP's output lines (the identity rows for the class's own file included). */
  List<Integer> outputs(String source, int line) {
    return lines.getOrDefault(source, Map.of()).getOrDefault(line, List.of());
  }
}
