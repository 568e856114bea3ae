// Package gethtest starts a real go-ethereum node (geth --dev, built at
// the pinned version by .ci/run) for tests that need an L1 reached over
// JSON-RPC, and stops it when the test ends.
//
// The binary is GO_BOOSTER_GETH, or .bin/geth at the repository root, or
// geth on PATH. Without one the test is skipped, unless
// GO_BOOSTER_REQUIRE_GETH=1 (as .ci/run sets it), which makes it fail.
// Under -short the tests are skipped.
//
// Start is safe to call from parallel tests: each gets its own node, data
// directory and port.
package gethtest
