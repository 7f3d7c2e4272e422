// `node --import @sonde/agent-node/register app.js`: starts the agent from the
// environment before the app's own code loads.
import { start } from './index.js';

start();
