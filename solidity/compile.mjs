// Compiles every .sol file under solidity/src, solidity/examples and solidity/test with the
// pinned npm solc and writes one artifact per contract to
// solidity/artifacts/<Contract>.json. The output is deterministic: CI runs
// this and fails if the committed artifacts differ.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const root = path.dirname(fileURLToPath(import.meta.url));
const dirs = ['src', 'examples', 'test'];
const outDir = path.join(root, 'artifacts');

function list(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return list(rel);
    return e.name.endsWith('.sol') ? [rel] : [];
  }).sort();
}

const sources = {};
for (const file of dirs.flatMap(list)) {
  sources[file] = { content: fs.readFileSync(path.join(root, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'prague',
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

function findImports(p) {
  const abs = path.join(root, p);
  if (fs.existsSync(abs)) return { contents: fs.readFileSync(abs, 'utf8') };
  return { error: `not found: ${p}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const seen = new Map();
for (const source of Object.keys(output.contracts).sort()) {
  for (const name of Object.keys(output.contracts[source]).sort()) {
    if (seen.has(name)) {
      console.error(`contract ${name} defined in both ${seen.get(name)} and ${source}`);
      process.exit(1);
    }
    seen.set(name, source);
    const c = output.contracts[source][name];
    const artifact = {
      contractName: name,
      sourceName: source,
      compiler: `solc ${solc.version()}`,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(artifact, null, 2) + '\n');
  }
}
console.log(`compiled ${seen.size} contracts with solc ${solc.version()}`);
