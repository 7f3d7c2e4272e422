// sonde.login: the device flow (login.ts); resolves with the code and the
// page as soon as they are known. sonde.logout: forgets the sign-in.
import { LSPErrorCodes } from 'vscode-languageserver';
import type { LoginResult, LogoutResult } from '../lsp-protocol.js';
import { fail, type CommandDeps } from './support.js';

export async function login(_arg: unknown, deps: CommandDeps): Promise<LoginResult> {
  if (!deps.login) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde cannot sign in: ${deps.noGatewayReason}`);
  try {
    return await deps.login.start();
  } catch (err) {
    throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde cannot sign in: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function logout(_arg: unknown, deps: CommandDeps): Promise<LogoutResult> {
  if (!deps.login) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde cannot sign out: ${deps.noGatewayReason}`);
  try {
    return { signedOut: await deps.login.logout() };
  } catch (err) {
    throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde cannot sign out: ${err instanceof Error ? err.message : String(err)}`);
  }
}
