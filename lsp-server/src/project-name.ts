// The editor's project for a file: the `name` in the nearest package.json
// above it that is not inside node_modules (a dependency's package.json says
// which package it is, not which app the user works on). The gateway prefers
// agents whose app name is this one (agent-gateway's routing.ts); Node agents
// default their app name to the same package.json. Read once per folder.
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** Folders walked up at most: deep enough for any project, bounded for a path that is not. */
const MAX_LEVELS = 64;

export class ProjectNames {
  private readonly byDir = new Map<string, string>();

  /** The project name for an absolute file path; '' when no package.json above it names one. */
  of(file: string): string {
    let dir = dirname(file);
    const walked: string[] = [];
    let name = '';
    for (let level = 0; level < MAX_LEVELS; level++) {
      const known = this.byDir.get(dir);
      if (known !== undefined) {
        name = known;
        break;
      }
      walked.push(dir);
      if (!dir.split(sep).includes('node_modules')) {
        const found = nameIn(dir);
        if (found !== undefined) {
          name = found;
          break;
        }
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of walked) this.byDir.set(d, name);
    return name;
  }
}

/** The name in the folder's package.json, '' when it has none, undefined when there is no readable package.json. */
function nameIn(dir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === 'string' ? name : '';
  } catch {
    return ''; // an unreadable package.json still marks the project's folder: do not look above it
  }
}
