package batch

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// L1Slot is one record of the L1 lists a batch commits to: an L1
// contract's storage slot and a value (the value the batch read, in the
// read set; the value it leaves, in the write list).
type L1Slot struct {
	Contract    common.Address
	Slot, Value common.Hash
}

// L1Lists is what a batch header's ReadsHash and WritesHash commit to, as
// the batch proof opens it: the read set's storage reads, in their order
// (the booster's: by contract, then slot), the hashes of its code and
// balance reads' ABI encodings (keccak256(abi.encode(codeReads)) and
// keccak256(abi.encode(balanceReads)), which the proof does not open yet),
// and the write list, in its order (the booster's: contracts by first
// write, each contract's slots by first write).
type L1Lists struct {
	Reads            []L1Slot
	CodeReadsHash    common.Hash
	BalanceReadsHash common.Hash
	Writes           []L1Slot
}

// RecordsHash is keccak256 of the slots as 96-byte records (contract,
// slot, value: three ABI words, the contract left-padded), in order: the
// flat encoding Booster.batchHash hashes.
func RecordsHash(slots []L1Slot) common.Hash {
	buf := make([]byte, 0, 96*len(slots))
	for _, s := range slots {
		buf = append(buf, common.LeftPadBytes(s.Contract[:], 32)...)
		buf = append(buf, s.Slot[:]...)
		buf = append(buf, s.Value[:]...)
	}
	return crypto.Keccak256Hash(buf)
}

// ReadsHash is the header's ReadsHash of these lists:
// keccak256(abi.encode(RecordsHash(Reads), CodeReadsHash,
// BalanceReadsHash)).
func (l *L1Lists) ReadsHash() common.Hash {
	s := RecordsHash(l.Reads)
	return crypto.Keccak256Hash(s[:], l.CodeReadsHash[:], l.BalanceReadsHash[:])
}

// WritesHash is the header's WritesHash of these lists:
// RecordsHash(Writes).
func (l *L1Lists) WritesHash() common.Hash { return RecordsHash(l.Writes) }
