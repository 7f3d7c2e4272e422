// Tells the sink which files loaded, in batches: scripts are reported while a
// module compiles, where the sink must not run.

import { describe } from './describe.js';
import type { ScriptRegistry } from './scripts.js';
import type { ProbeSink } from './types.js';

const FILES_BATCH_MS = 100;

export class LoadedFilesBatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: ScriptRegistry,
    private readonly sink: ProbeSink,
    private readonly log: (message: string) => void,
  ) {}

  /** A file was recorded: report it (and whatever follows) a little later. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), FILES_BATCH_MS);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    try {
      const paths = this.registry.takeFresh();
      if (paths.length > 0) this.sink.filesLoaded(paths);
    } catch (err) {
      // the sink's problem must not become the host's
      this.log(`could not report loaded files: ${describe(err)}`);
    }
  }
}
