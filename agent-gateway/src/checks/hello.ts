// An agent's hello, checked before anything is kept or logged: the agent id,
// app name and tags end up in every agent list a client asks for and in the
// logs, so each field has a cap.
import { sonde } from '@sonde/protocol';
import { checkEnum, checkLength, checkStrings, invalid, MAX_CHARS, MAX_COUNT } from './fields.js';

const { Runtime } = sonde.v1;

export function checkHello(hello: sonde.v1.IHello): void {
  if (!hello.agentId) invalid('hello.agent_id is empty; every agent process needs an id');
  checkLength('hello.agent_id', hello.agentId, MAX_CHARS.agentId);
  checkLength('hello.instance_id', hello.instanceId, MAX_CHARS.instanceId);
  checkLength('hello.app_name', hello.appName, MAX_CHARS.appName);
  checkLength('hello.app_version', hello.appVersion, MAX_CHARS.appVersion);
  checkLength('hello.host', hello.host, MAX_CHARS.host);
  checkLength('hello.runtime_version', hello.runtimeVersion, MAX_CHARS.runtimeVersion);
  checkLength('hello.agent_version', hello.agentVersion, MAX_CHARS.agentVersion);
  checkEnum('hello.runtime', hello.runtime, Runtime, 'the agent must say RUNTIME_NODE, _PYTHON or _JVM');
  checkStrings('hello.tags', hello.tags, MAX_COUNT.tags, MAX_CHARS.tag);
  checkStrings('hello.roots', hello.roots, MAX_COUNT.roots, MAX_CHARS.path);
  // Files are not refused here: an agent that loaded too many must still connect (connections/file-list.ts keeps the earliest).
}
