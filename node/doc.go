// Package node runs a booster as a service, the way an Ethereum node runs:
// Ethereum JSON-RPC over HTTP and WebSocket (go-ethereum's rpc package) for
// wallets and dapps, batches cut by size and time, executed, proven and
// settled on L1, and the L2 chain, the queue of accepted transactions and
// the settlement status of every batch kept in a data directory
// (go-ethereum's rawdb over Pebble), so that a node stopped at any moment
// restarts with nothing lost and nothing settled twice.
//
// [New] connects to an L1 JSON-RPC node and its booster contract, or, with
// no L1 URL, starts go-ethereum's simulated backend as an embedded L1
// with the development verifier and the booster contract deployed.
// [Node.Start] serves JSON-RPC on [Config.ListenAddr]: the eth, net and
// web3 methods wallets use, eth_subscribe for new heads and logs, and a
// booster namespace (booster_getBatch, booster_l1Block,
// booster_proofStatus, booster_queued, booster_contract, booster_health).
//
// The node settles one batch at a time: a batch is executed, its
// settlement sent and its receipt awaited before the next is cut. A batch
// L1 refuses is rolled back and its transactions executed again in the
// next. On start, the node compares its batches with the booster
// contract's last settled one and resumes from there.
//
// A Node is safe for concurrent use.
package node
