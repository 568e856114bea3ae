// Package solc compiles generated Solidity sources, such as gnark's
// exported verifier of the batch proof's wrap circuit, with the pinned npm
// solc (solidity/compile-standalone.mjs, the settings the committed
// artifacts are built with). It runs node in the module's root, so it
// works from a checkout of go-booster (tests, go run of the examples and
// commands), not from a binary installed elsewhere.
//
// Its functions are safe for concurrent use: each call runs its own node
// process.
package solc
