// Package batch states what a batch proof proves, as segment circuits for
// [aggregate]: the batch header the L1 booster contract hashes into its
// batchHash, and the transactions' commitment bound to one signature each.
//
// A batch of n transactions is n+2 segments, in order:
//
//   - the header segment (index 0) checks that keccak256 of the header's
//     eleven ABI words is the batch commitment the proof is for, and hands
//     on the L2 chain id and the transactions commitment the header names;
//   - one transaction segment per transaction (index i for the i-th)
//     proves with [txsig] that the transaction is signed by its sender
//     for that chain id and folds its signing hash and sender into the
//     running commitment;
//   - the end segment checks the running commitment equals the header's.
//
// Each segment starts from the Poseidon2 hash of what the one before
// handed on (the boundary), so the aggregation circuit's chaining checks
// that the segments are these, in this order, for this batch.
//
// What the segments do not prove yet: execution (the EVM circuit's
// frames), nonces and balances (the L2 state commitment), the read set and
// the write list; the header segment binds them into the commitment only.
// Until they do, a proof of these segments must not settle a batch on its
// own. [TransactionsCommitment] is the commitment the booster puts in the
// header.
//
// Nothing in the package holds state; it is safe for concurrent use.
package batch
