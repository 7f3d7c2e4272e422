// Generates the static protobufjs module for sonde.v1 and its typings.
// Output goes to src/generated (for the type checker) and dist/src/generated
// (what runs), so that the build, not the repository, holds generated code.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('protobufjs-cli/package.json'));
const pbjs = join(cliDir, 'bin', 'pbjs');
const pbts = join(cliDir, 'bin', 'pbts');

const protoDir = join(root, 'proto');
const protos = readdirSync(join(protoDir, 'sonde', 'v1'))
  .filter((f) => f.endsWith('.proto'))
  .sort()
  .map((f) => join(protoDir, 'sonde', 'v1', f));

const srcOut = join(root, 'src', 'generated');
const distOut = join(root, 'dist', 'src', 'generated');
mkdirSync(srcOut, { recursive: true });
mkdirSync(distOut, { recursive: true });
const js = join(srcOut, 'sonde.js');
const dts = join(srcOut, 'sonde.d.ts');

execFileSync(process.execPath, [pbjs, '-t', 'static-module', '-w', 'es6', '--force-number', '--no-verify', '--no-delimited', '--no-service', '-p', protoDir, '-o', js, ...protos], { cwd: protoDir, stdio: 'inherit' });
// pbjs's es6 wrapper imports "protobufjs/minimal" as a namespace, which Node's
// ES-module loader cannot resolve without an extension; load the CommonJS
// module's default export instead.
const code = readFileSync(js, 'utf8').replace(
  /import \* as \$protobuf from "protobufjs\/minimal";/,
  'import $protobuf from "protobufjs/minimal.js";',
);
if (code.includes('"protobufjs/minimal"')) throw new Error('generate: pbjs output changed; update the import rewrite in scripts/generate.mjs');
writeFileSync(js, code);
execFileSync(process.execPath, [pbts, '-o', dts, js], { stdio: 'inherit' });
copyFileSync(js, join(distOut, 'sonde.js'));
copyFileSync(dts, join(distOut, 'sonde.d.ts'));
console.error(`generate: sonde.v1 from ${protos.length} files → src/generated, dist/src/generated`);
