// Package solidity holds go-booster's Solidity contracts as compiled by the
// pinned solc (see package.json): the L1 library that L2 contracts use to
// reach the precompiles (src/L1.sol) and the fixtures the tests deploy
// (test/). The compiled artifacts are embedded; [Load] returns one by
// contract name.
//
// Regenerate the artifacts with `npm ci && npm run compile`; CI does so and
// fails if they differ from the committed ones.
package solidity
