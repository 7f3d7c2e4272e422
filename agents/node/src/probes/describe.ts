// Readable text for what was caught and for long lists, in states and logs.

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A readable list of at most `max` paths, saying how many more there are. */
export function listSome(paths: readonly string[], max = 10): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}

/** The engine's default report of what it caught: stderr, never throwing. */
export function logToStderr(message: string): void {
  try {
    process.stderr.write(`sonde agent: ${message}\n`);
  } catch {
    // stderr closed: nothing sensible left to do.
  }
}
