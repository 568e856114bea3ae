package booster

import (
	"fmt"

	"github.com/boosterkit/go-booster/statechanges"
)

// SettlementLimits are the L1 limits one settlement transaction must fit.
// ExecuteBatch closes a batch before its settlement would exceed either,
// using an upper bound of the settlement's gas and size worked out from
// what the batch read and wrote; Settle checks the real figures before it
// sends anything. A zero Gas or Size means no limit.
type SettlementLimits struct {
	// Gas is the most gas one L1 transaction may use: 16,777,216 under
	// mainnet's rules (EIP-7825).
	Gas uint64
	// Size is the largest L1 transaction in bytes that nodes relay:
	// 131,072 (128 KiB, go-ethereum's transaction pool limit).
	Size uint64
	// VerifyGas is what verifying one proof costs on L1, ProofSize its
	// length in bytes. The defaults cover gnark's Groth16 verifier with
	// one commitment (about 317,000 gas, a 256-byte proof plus the
	// commitment).
	VerifyGas, ProofSize uint64
}

// DefaultSettlementLimits are mainnet's limits.
var DefaultSettlementLimits = SettlementLimits{Gas: 1 << 24, Size: 128 << 10, VerifyGas: 400_000, ProofSize: 1024}

// Upper bounds of what a settlement pays per item, on top of the calldata
// (16 gas a byte) and memory, under mainnet's rules: a fresh storage slot
// written cold (22,100) with the loop around it; a cold call into a
// written contract and its code-size check; a cold slot read by extsload,
// compared; a cold extsload call; a cold EXTCODEHASH or BALANCE. fixedGas
// is the base transaction, the chain and block checks (the EIP-2935 call
// included), the bookkeeping writes and the event.
const (
	gasPerWrite         = 22_800
	gasPerWriteContract = 8_000
	gasPerRead          = 3_000
	gasPerReadContract  = 8_000
	gasPerAccountRead   = 3_500
	fixedGas            = 90_000
	// txEnvelope is what an L1 transaction's signature, nonce, fees and
	// RLP framing add to its calldata.
	txEnvelope = 256
)

// calldataSize is the length of settle(batch, proof)'s ABI encoding, given
// the counts: the selector, two head words, the batch's ten head words,
// four array lengths, per storage-read group six words and two per slot,
// two words per code or balance read, per written contract four words and
// two per change, then the proof's length word and padded bytes. A no-op
// write leaves the write list for the read set (two words either way) and
// can add a read group for its contract: noOpSlack counts that group.
func calldataSize(s statechanges.Stats, proofSize uint64, noOpSlack bool) uint64 {
	words := 2 + 10 + 4 +
		6*uint64(s.ReadContracts) + 2*uint64(s.ReadSlots) +
		2*uint64(s.Code+s.Balances) +
		4*uint64(s.WrittenContracts) + 2*uint64(s.WrittenSlots) +
		1 + (proofSize+31)/32
	if noOpSlack {
		words += 6 * uint64(s.WrittenContracts)
	}
	return 4 + 32*words
}

// estimate returns upper bounds of the settlement's gas and transaction
// size. For gas, a write counts as a write: were it a no-op, its read
// would cost less.
func (l SettlementLimits) estimate(s statechanges.Stats) (gas, size uint64) {
	size = calldataSize(s, l.ProofSize, true) + txEnvelope
	data := calldataSize(s, l.ProofSize, false)
	// Memory: the read set and the write list are each encoded once more
	// to hash them, and the calls copy their arguments: about twice the
	// calldata, priced 3 a word plus words²/512.
	memWords := 2 * data / 32
	gas = fixedGas + l.VerifyGas + 16*data + 3*memWords + memWords*memWords/512 +
		gasPerWrite*uint64(s.WrittenSlots) + gasPerWriteContract*uint64(s.WrittenContracts) +
		gasPerRead*uint64(s.ReadSlots) + gasPerReadContract*uint64(s.ReadContracts) +
		gasPerAccountRead*uint64(s.Code+s.Balances)
	return gas, size
}

// exceeded says which limit the settlement of a batch with these counts
// could exceed, or "" if it fits both.
func (l SettlementLimits) exceeded(s statechanges.Stats) string {
	gas, size := l.estimate(s)
	switch {
	case l.Gas != 0 && gas > l.Gas:
		return fmt.Sprintf("settlement needs up to %d gas, above the L1 per-transaction gas cap of %d (EIP-7825)", gas, l.Gas)
	case l.Size != 0 && size > l.Size:
		return fmt.Sprintf("settlement transaction of up to %d bytes, above the L1 transaction size limit of %d", size, l.Size)
	}
	return ""
}
