// Package boostertest is the harness for test suites that run booster
// rollups: one call gives a test a simulated L1 with mainnet's gas rules
// (go-ethereum's simulated backend), a funded L1 deployer and the
// development batch verifier; NewRollup adds a rollup on it (its Booster
// contract, a booster.Booster pinned to the L1 head, L2 accounts whose
// nonces are handled). Helpers deploy L1 contracts (compiled artifacts of
// package solidity, with the booster address their constructor takes) and
// L2 contracts, send L2 transactions, execute and settle a batch in one
// step (checking that every slot it wrote holds on L1 what the booster's
// view held), and advance L1 blocks.
//
// Every helper takes the test (a testing.TB, or anything with its [TB]
// methods) and fails it on an error.
// The values are not safe for concurrent use: one test goroutine drives
// them. The development verifier proves nothing; it stands in for the
// proof until batches are proven.
package boostertest
