// Package keycache keeps Groth16 keys on disk, one set per circuit name
// and circuit digest (the SHA-256 of the compiled constraint system), so
// that a circuit's slow single-party setup runs once per machine.
//
// A set is name-digest.pk, .vk and .sum (the SHA-256 of both keys,
// written last: its presence marks a complete set). Sets read back are
// checked: sums, no bytes after a key, and the proving and verifying key
// sharing one setup's elements; a damaged set fails with [ErrKeyCache]
// and is left in place, never replaced by a new setup (a Solidity
// verifier exported from it would stop matching). A new setup of a name
// removes that name's sets of other digests.
//
// [LoadOrSetup] is safe for concurrent use, also by processes sharing a
// directory: the setup of one set runs once, under a lock (a file lock
// where the system has one), and files are written under unique
// temporary names, then renamed.
package keycache
