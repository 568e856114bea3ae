// A dapp's view of the booster node, with ethers (pinned in package.json):
// deploy a token with a signed transaction, wait for the receipt, call a
// view function, read the logs. Usage: node dapp.mjs URL PRIVATE_KEY
// ARTIFACT_JSON. Prints one JSON line with what it saw; exits non-zero on
// any failure.
import { readFileSync } from "node:fs";
import { ethers } from "ethers";

const [url, key, artifactPath] = process.argv.slice(2);
const artifact = JSON.parse(readFileSync(artifactPath, "utf8"));

// No request cache: ethers reuses answers for 250 ms by default, and this L2
// seals a block faster than that (a cached pending nonce would be stale).
const provider = new ethers.JsonRpcProvider(url, undefined, { polling: true, pollingInterval: 100, cacheTimeout: -1 });
const wallet = new ethers.Wallet(key, provider);

const network = await provider.getNetwork();
const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, wallet);
const token = await factory.deploy({ gasLimit: 2_000_000 });
await token.waitForDeployment();
const to = ethers.Wallet.createRandom().address;
const mint = await token.mint(wallet.address, 1000n, { gasLimit: 1_000_000 });
await mint.wait();
const transfer = await token.transfer(to, 250n, { gasLimit: 1_000_000 });
const receipt = await transfer.wait();
const balance = await token.balanceOf(to);
const events = await token.queryFilter(token.filters.Transfer(wallet.address, to), 0, "latest");
const block = await provider.getBlock(receipt.blockNumber);

console.log(JSON.stringify({
  chainId: network.chainId.toString(),
  token: await token.getAddress(),
  status: receipt.status,
  transferHash: transfer.hash,
  balance: balance.toString(),
  events: events.map((e) => ({ tx: e.transactionHash, value: e.args.value.toString() })),
  blockHasTransfer: block.transactions.includes(transfer.hash),
}));
