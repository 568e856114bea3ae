// Package testenv builds the worlds go-booster's tests run in: an embedded
// simulated L1 with a funded deployer, and L2 keys that sign transactions
// for a booster.
package testenv
