#!/usr/bin/env node
// The language server on stdio, for editors and tests; `sonde lsp` (clients/cli) does the same.
import { runStdio } from '../dist/src/index.js';

runStdio();
