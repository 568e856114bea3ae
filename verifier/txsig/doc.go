// Package txsig proves who sent an L2 transaction: a gnark gadget that
// encodes a transaction's signing payload from its fields (RLP, EIP-155
// legacy, EIP-2930 and EIP-1559 types, access lists empty), hashes it with
// keccak256 (the lookup gadget of package keccak), recovers the signer
// with gnark's ECRecover (low s, as Ethereum requires of transaction
// signatures) and derives its address, so a batch circuit can bind each
// transaction's sender, chain id, nonce, fees, recipient, value and
// calldata to one signature.
//
// The payload bytes are the prover's; the circuit checks them against the
// fields with one random evaluation of both as polynomials (the challenge
// is gnark's commitment to all of them) instead of placing every field at
// its variable offset byte by byte, and checks that every integer is in
// RLP's canonical form (no leading zero byte, single bytes below 0x80
// unprefixed).
//
// [Assign] makes a gadget's witness from a go-ethereum transaction; it
// refuses what the gadget cannot prove ([ErrUnsupported]: blob and
// set-code transactions, non-empty access lists, pre-EIP-155 legacy
// transactions, calldata above the capacity). Nothing in the package holds
// state; it is safe for concurrent use.
package txsig
