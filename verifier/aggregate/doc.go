// Package aggregate turns the proofs of a batch's segments into the one
// proof that the L1 verifier checks, with gnark's 2-chain recursion:
//
//  1. Segment proofs are Groth16 proofs on BLS12-377 of any circuit that
//     begins with [SegmentInputs]: the batch commitment (two 128-bit
//     halves), the segment's index and the boundary commitments it starts
//     from and ends at.
//  2. The aggregation circuit, on BW6-761, verifies up to its arity of
//     segment proofs natively (a BLS12-377 pairing costs about 12,000
//     constraints there) against a fixed list of segment verifying keys,
//     and checks that they form one run: every segment names the same
//     batch, carries its own position as its index, starts where the one
//     before it ended, the first starts from 0 and the last ends at 0.
//     So no segment can be dropped, duplicated, reordered or swapped for a
//     segment of another batch.
//  3. The wrap circuit, on BN254, verifies the aggregation proof (BW6-761
//     arithmetic emulated) and has the batch commitment as its only
//     public inputs, so gnark's exported Solidity verifier checks it on
//     L1 against the booster contract's batchHash.
//
// The circuits say nothing about what a segment proves; the segment
// circuits do (the header segment, for example, checks the batch
// commitment's preimage and hands the values the others need to them
// through its end boundary).
//
// Keys are made by a single-party setup ([SetupAggregator], [SetupWrap]):
// whoever runs it could forge proofs. Provers built from keys are safe for
// concurrent use; nothing in the package holds mutable state.
package aggregate
