// Command prunekeys removes from the key cache every key set of a shape
// that is not one of verifier.Shapes (a shape whose capacities changed is
// another shape, and its old keys, hundreds of megabytes each, would stay
// forever). Old digests of the current shapes go on their own when their
// new keys are made.
//
//	go run ./verifier/cmd/prunekeys            # verifier.DefaultKeyDir(), or GO_BOOSTER_KEYS
//	go run ./verifier/cmd/prunekeys -keys /tmp/keys
package main
