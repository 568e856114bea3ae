// Package statetree is the L2 state commitment the batch proof carries
// from batch to batch: a sparse Merkle tree of fixed depth ([Depth]) over
// BLS12-377's scalar field (the field of the batch's segment circuits),
// whose nodes are Poseidon2 compressions (gnark-crypto's
// bls12-377/fr/poseidon2 outside the circuit, gnark's
// std/permutation/poseidon2 in it).
//
// A leaf holds one entry: a key, a field element the caller derives from
// what it names (an L2 storage slot, an account's code digest), and a
// 32-byte value. The entry sits at the leaf whose index is the key's low
// Depth bits, and the leaf's hash is Compress(key, Compress(valueHi,
// valueLo)) for the value's 128-bit halves, or zero where the value is
// zero: a zero value is no entry, so the root depends only on the
// nonzero entries, not on the order they were set in. The leaf binds its
// whole key, so two keys whose indices collide cannot both hold a nonzero
// value ([ErrIndexTaken]): a collision can refuse an entry but never
// shows one entry's value as another's. Finding a key whose 128-bit index
// is a given entry's costs about 2^128 hashes.
//
// [Tree] is persistent: Set returns a new tree and leaves the old one as
// it was (the two share every node Set did not change), so a caller keeps
// the tree of each batch it may roll back to for the cost of the nodes
// changed. Trees are immutable, so they are safe for concurrent use.
//
// In a circuit, [Update] checks an entry's value before against a root
// and returns the root with its value after, from the entry's Merkle
// path ([Tree.Prove]). Each level costs one compression for the path
// before and one for the path after.
package statetree
