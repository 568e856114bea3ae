// Package l1 is the booster's view of L1: the state of one pinned L1 block,
// read lazily through a [Source], with the writes and reads of L2-driven L1
// executions recorded for settlement.
//
// A [Source] answers questions about the pinned block. Three
// implementations come with the package: [NewProofSource] over a JSON-RPC
// node it does not trust (every account and slot checked with
// eth_getProof against the pinned state root, headers against their
// hashes, many slots proven per request with [ProofSource.Prefetch]),
// [NewSimulatedSource] over go-ethereum's embedded simulated backend, and
// [NewClientSource] over any client with the eth_getStorageAt /
// eth_getCode / eth_getBalance / eth_getTransactionCount /
// eth_getBlockByHash calls (an *ethclient.Client qualifies), which trusts
// its answers. All cache every answer, so a slot or account costs one
// round trip per batch at most. [NewAllocSource] and [Layer] build
// sources from a genesis allocation and over a write list.
//
// A [View] is the mutable L1 state that L1CALLs run against. It is a
// go-ethereum state whose reads fall through to the source, wrapped so that
// every storage write is journalled into a [statechanges.Recorder] and every
// effect that applyStateUpdates could not reproduce on L1 (a value transfer,
// CREATE, CREATE2, SELFDESTRUCT, a nonce or balance change) is caught.
// [View.RequireSettleable] makes it also check, after each L1 execution,
// that a settlement could check every contract read and write every
// contract written ([View.Unsettleable]).
//
// The sources are safe for concurrent use (their caches are guarded); a
// View serves one batch on one goroutine and is not.
package l1
