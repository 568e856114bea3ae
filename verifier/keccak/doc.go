// Package keccak is an in-circuit keccak256 for gnark built on lookup
// tables: Keccak-f[1600] on lanes held as sixteen 4-bit nibbles, every
// bitwise step one log-derivative lookup per nibble (gnark's
// std/lookup/logderivlookup), and a sponge that hashes a variable number
// of bytes up to a fixed capacity.
//
// Theta's column parities are 3-input XOR lookups, the second of which
// also cuts each nibble into its top bit and the rest (a split table
// whose rows are (index, top, rest), with its own log-derivative argument
// of three constraints a query), so the rotation by one is linear; each
// lane's mix with the parities is one such split lookup per nibble at the
// cut its rho rotation needs (an XOR lookup where the rotation is a
// multiple of four bits), so rho's rotations and pi's moves cost nothing
// more; chi is one lookup of a ^ (^b & c) per nibble and iota an XOR
// lookup for each nonzero nibble of the round constant. A permutation
// costs 55,111 constraints in R1CS over BLS12-377 and the tables 24,395,
// paid once per circuit however many hashes it holds; gnark's own
// std/permutation/keccakf, the baseline, costs 105,536 and 132,015
// (BenchmarkPermutation prints both).
//
// A [Hasher] belongs to one circuit's Define and is not safe for
// concurrent use; the package holds no other state.
package keccak
