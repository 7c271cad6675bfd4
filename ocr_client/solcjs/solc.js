#!/usr/bin/env node
// A native-solc look-alike over solc-js, so py-solc-x can drive it offline.
//
// Answers `--version` like native solc (py-solc-x reads "Version: X.Y.Z+commit...") and
// `--standard-json` (input on stdin, output JSON only: the solcjs CLI prints a banner first, which
// breaks JSON parsers). Imports are resolved the way native solc does: against --base-path, then
// each --include-path, and only inside --allow-paths (plus those roots).
'use strict';
const fs = require('fs');
const path = require('path');

function loadSolc() {
  try {
    return require('solc');
  } catch (err) {
    process.stderr.write('solc-js is not installed: run `npm ci` in the ocr-client checkout (' + err.message + ')\n');
    process.exit(2);
  }
}

function parseArgs(argv) {
  const opts = { basePath: null, includePaths: [], allowPaths: [], mode: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) { fail('option ' + a + ' needs a value'); }
      return argv[++i];
    };
    if (a === '--version') opts.mode = 'version';
    else if (a === '--standard-json') opts.mode = 'standard-json';
    else if (a === '--base-path') opts.basePath = next();
    else if (a === '--include-path') opts.includePaths.push(next());
    else if (a === '--allow-paths') opts.allowPaths.push(...next().split(',').filter(Boolean));
    else if (a.startsWith('--base-path=')) opts.basePath = a.slice('--base-path='.length);
    else if (a.startsWith('--allow-paths=')) opts.allowPaths.push(...a.slice('--allow-paths='.length).split(',').filter(Boolean));
    else if (a.startsWith('--include-path=')) opts.includePaths.push(a.slice('--include-path='.length));
    else fail('unsupported option ' + a + ' (this wrapper answers --version and --standard-json only)');
  }
  return opts;
}

function fail(message) {
  process.stderr.write(message + '\n');
  process.exit(2);
}

function within(file, roots) {
  return roots.some((root) => {
    const rel = path.relative(root, file);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

function makeImportCallback(opts) {
  // Like native solc: the base path and include paths first; the working directory last, so
  // callers that pass a narrower base path (ape passes its own) still find node_modules.
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths, process.cwd()].map((p) => path.resolve(p));
  const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p))];
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
    for (const candidate of candidates) {
      const resolved = path.resolve(candidate);
      if (!within(resolved, allowed)) continue;
      if (fs.existsSync(resolved)) return { contents: fs.readFileSync(resolved, 'utf8') };
    }
    return { error: 'File not found inside the allowed paths: ' + importPath };
  };
}

function writeAndExit(text, code) {
  // Exiting right after write() truncates piped output at 64 KiB: exit in the write callback.
  process.stdout.write(text, () => process.exit(code));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const solc = loadSolc();
  if (opts.mode === 'version') {
    const v = solc.version().replace('.Emscripten.clang', '');
    writeAndExit('solc, the solidity compiler commandline interface (solc-js wrapper)\nVersion: ' + v + '\n', 0);
    return;
  }
  if (opts.mode !== 'standard-json') fail('give --version or --standard-json');
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    const input = Buffer.concat(chunks).toString('utf8');
    const output = solc.compile(input, { import: makeImportCallback(opts) });
    writeAndExit(output + '\n', 0);
  });
}

main();
