// Which agents an action is for: every given field of its target must match,
// and the agent's runtime must fit the file's language.
import { sonde } from '@sonde/protocol';

const { Runtime } = sonde.v1;

const RUNTIME_BY_EXTENSION: Record<string, sonde.v1.Runtime> = {
  js: Runtime.RUNTIME_NODE, mjs: Runtime.RUNTIME_NODE, cjs: Runtime.RUNTIME_NODE, jsx: Runtime.RUNTIME_NODE,
  ts: Runtime.RUNTIME_NODE, mts: Runtime.RUNTIME_NODE, cts: Runtime.RUNTIME_NODE, tsx: Runtime.RUNTIME_NODE,
  py: Runtime.RUNTIME_PYTHON,
  java: Runtime.RUNTIME_JVM, kt: Runtime.RUNTIME_JVM, kts: Runtime.RUNTIME_JVM, scala: Runtime.RUNTIME_JVM, groovy: Runtime.RUNTIME_JVM,
};

/** The runtime a source file runs on, or undefined when the extension says nothing. */
export function runtimeOfFile(file: string): sonde.v1.Runtime | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  return ext ? RUNTIME_BY_EXTENSION[ext] : undefined;
}

export function isTargeted(action: sonde.v1.IAction, hello: sonde.v1.IHello): boolean {
  const target = action.target ?? {};
  const fileRuntime = runtimeOfFile(action.location?.file ?? '');
  if (fileRuntime !== undefined && fileRuntime !== hello.runtime) return false;
  if (target.runtime && target.runtime !== hello.runtime) return false;
  if (target.agentIds?.length && !target.agentIds.includes(hello.agentId ?? '')) return false;
  if (target.appName && target.appName !== hello.appName) return false;
  if (target.tags?.length && !target.tags.every((t) => (hello.tags ?? []).includes(t))) return false;
  if (target.anyTags?.length && !target.anyTags.some((t) => (hello.tags ?? []).includes(t))) return false;
  return true;
}
