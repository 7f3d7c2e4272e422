// workspace/executeCommand: each Sonde command is its own module; this one
// only finds the command by name. A new command is one module and one entry.
import { ErrorCodes, type ExecuteCommandParams } from 'vscode-languageserver';
import { Commands, type AddActionResult, type AddLogResult, type LoginResult, type LogoutResult, type RemoveLogResult, type ShowActionResult, type ShowSnapshotResult } from '../lsp-protocol.js';
import { login, logout } from './login.js';
import { addCounter } from './add-counter.js';
import { addLog } from './add-log.js';
import { addMetric } from './add-metric.js';
import { addSnapshot } from './add-snapshot.js';
import { addTicToc } from './add-tictoc.js';
import { removeLog } from './remove-log.js';
import { showAction } from './show-action.js';
import { showSnapshot } from './show-snapshot.js';
import { fail, type CommandDeps } from './support.js';

export type { ActionGateway, CommandDeps } from './support.js';

type CommandResult = AddLogResult | AddActionResult | RemoveLogResult | ShowActionResult | ShowSnapshotResult | LoginResult | LogoutResult;

const commands: Record<string, (arg: unknown, deps: CommandDeps) => CommandResult | Promise<CommandResult>> = {
  [Commands.addLog]: addLog,
  [Commands.addCounter]: addCounter,
  [Commands.addMetric]: addMetric,
  [Commands.addTicToc]: addTicToc,
  [Commands.addSnapshot]: addSnapshot,
  [Commands.removeLog]: removeLog,
  [Commands.showAction]: showAction,
  [Commands.showSnapshot]: showSnapshot,
  [Commands.login]: login,
  [Commands.logout]: logout,
};

export async function executeCommand(params: ExecuteCommandParams, deps: CommandDeps): Promise<CommandResult> {
  const run = Object.hasOwn(commands, params.command) ? commands[params.command] : undefined;
  if (!run) throw fail(deps, ErrorCodes.InvalidRequest, `unknown command ${params.command}; Sonde runs ${Object.values(Commands).join(', ')}`);
  return run(params.arguments?.[0], deps);
}
