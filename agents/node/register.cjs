// `node --require @sonde/agent-node/register app.js` for CommonJS apps. The
// agent is an ES module, so it loads asynchronously; scripts that load before
// it are still found (the inspector reports every script already parsed).
'use strict';
import('./dist/src/index.js').then(
  (agent) => agent.start(),
  (err) => process.stderr.write(`sonde agent: failed to load: ${err && err.stack ? err.stack : err}\n`),
);
