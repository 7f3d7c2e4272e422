// What the end-to-end tests start before they act as an editor: a gateway
// on a fresh data folder, the example service with its agent, and `sonde
// lsp` over stdio with one document open; and how it all stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorInitializeParams, LspClient } from '@sonde/lsp-server/testing';
import { NODE_SERVICE, repoRoot, sondeBin, startGateway, startService, type Proc, type ServiceSpec } from './processes.js';

export interface EditorStack {
  dataDir: string;
  gateway: { proc: Proc; url: string };
  service: { proc: Proc; url: string };
  lsp: LspClient;
}

/** `sonde lsp` over stdio, initialised against the gateway, with `uri` (its `text`) open. */
export async function openEditor(gatewayUrl: string, uri: string, text: string, languageId: string): Promise<LspClient> {
  const lsp = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp' });
  await lsp.initialize(editorInitializeParams(repoRoot, { gatewayUrl }));
  await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return lsp;
}

/** Starts the stack and opens `uri` (its `text`) in the language server. */
export async function startEditorStack(uri: string, text: string, serviceEnv: Record<string, string> = {}, which: ServiceSpec = NODE_SERVICE, languageId = 'javascript'): Promise<EditorStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sonde-e2e-'));
  const gateway = await startGateway(0, dataDir);
  const service = await startService(gateway.url, serviceEnv, which);
  const lsp = await openEditor(gateway.url, uri, text, languageId);
  return { dataDir, gateway, service, lsp };
}

/** Stops whatever of the stack started. */
export async function stopEditorStack(stack: Partial<EditorStack>): Promise<void> {
  await stack.lsp?.stop();
  await stack.service?.proc.stop();
  await stack.gateway?.proc.stop();
  if (stack.dataDir) rmSync(stack.dataDir, { recursive: true, force: true });
}
