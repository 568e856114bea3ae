// Package keccak is an in-circuit keccak256 for gnark built on lookup
// tables: Keccak-f[1600] on lanes held as sixteen 4-bit nibbles, every
// bitwise step one log-derivative lookup per nibble (gnark's
// std/lookup/logderivlookup), and a sponge that hashes a variable number
// of bytes up to a fixed capacity.
//
// Theta's column parities and its mix are 3-input XOR lookups, rho's
// rotations by a multiple of four bits are free rewiring and the rest
// one split lookup per nibble (its top bits), pi is free, chi is one
// lookup of a ^ (^b & c) per nibble and iota an XOR lookup for each nonzero
// nibble of the round constant. A permutation costs about 32,000 lookups
// of two constraints each in R1CS; the tables (about 8,500 constraints)
// are paid once per circuit, however many hashes it holds. gnark's own
// std/permutation/keccakf is the baseline (BenchmarkPermutation prints
// both).
//
// A [Hasher] belongs to one circuit's Define and is not safe for
// concurrent use; the package holds no other state.
package keccak
