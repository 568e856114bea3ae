// Compiles one Solidity source read from standard input with the pinned npm
// solc (same settings as compile.mjs) and prints {"abi", "bytecode"} of the
// contract named by the first argument. Used by tests that compile
// generated contracts, such as gnark's exported verifier.
import solc from 'solc';

const name = process.argv[2];
let source = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) source += chunk;

const input = {
  language: 'Solidity',
  sources: { 'Generated.sol': { content: source } },
  settings: {
    evmVersion: 'prague',
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const c = output.contracts['Generated.sol'][name];
if (!c) {
  console.error(`no contract ${name}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({ abi: c.abi, bytecode: '0x' + c.evm.bytecode.object }));
