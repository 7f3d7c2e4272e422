package dev.sonde.agent.probes;

/** Refusals with a reason code, turned into the error state. */
final class Refused extends Exception {
  final String code;

  Refused(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
