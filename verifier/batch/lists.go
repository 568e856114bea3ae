package batch

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// L1Slot is one record of the L1 lists a batch commits to: an L1
// contract's storage slot and a value (the value the batch read, in the
// read set; the value it leaves, in the write list).
type L1Slot struct {
	Contract    common.Address
	Slot, Value common.Hash
}

// CodeRead is one code read of the read set: an L1 account and the hash
// of its code.
type CodeRead struct {
	Contract common.Address
	CodeHash common.Hash
}

// BalanceRead is one balance read of the read set: an L1 account and its
// balance in wei (nil for zero).
type BalanceRead struct {
	Account common.Address
	Balance *big.Int
}

// L1Lists is what a batch header's ReadsHash and WritesHash commit to, as
// the batch proof opens it: the read set's storage reads, in their order
// (the booster's: by contract, then slot), its code reads and its
// balance reads, in their order (by account), and the write list, in its
// order (the booster's: contracts by first write, each contract's slots
// by first write).
type L1Lists struct {
	Reads    []L1Slot
	Code     []CodeRead
	Balances []BalanceRead
	Writes   []L1Slot
	// Block is the pinned L1 block's header, whose hash is the batch
	// header's L1BlockHash: the block segment opens it for the L1
	// frames' block context. A batch without L1 frames needs none.
	Block *types.Header
}

// CodeReadsHash is keccak256(abi.encode(codeReads)) of the lists' code
// reads: a dynamic array of static (address, bytes32) structs, so the
// offset word 0x20, the length word, then two words per read.
func (l *L1Lists) CodeReadsHash() common.Hash {
	words := make([][2]common.Hash, len(l.Code))
	for i, c := range l.Code {
		words[i] = [2]common.Hash{common.BytesToHash(c.Contract[:]), c.CodeHash}
	}
	return pairsHash(words)
}

// BalanceReadsHash is keccak256(abi.encode(balanceReads)) of the lists'
// balance reads: a dynamic array of static (address, uint256) structs,
// laid out as CodeReadsHash's.
func (l *L1Lists) BalanceReadsHash() common.Hash {
	words := make([][2]common.Hash, len(l.Balances))
	for i, b := range l.Balances {
		words[i] = [2]common.Hash{common.BytesToHash(b.Account[:]), common.BigToHash(orZero(b.Balance))}
	}
	return pairsHash(words)
}

// pairsHash is keccak256 of the ABI encoding of a dynamic array of
// two-word static structs: the offset word 0x20, the length word, then
// the words.
func pairsHash(words [][2]common.Hash) common.Hash {
	buf := make([]byte, 0, 64+64*len(words))
	buf = append(buf, common.BigToHash(big.NewInt(32)).Bytes()...)
	buf = append(buf, common.BigToHash(big.NewInt(int64(len(words)))).Bytes()...)
	for _, w := range words {
		buf = append(buf, w[0][:]...)
		buf = append(buf, w[1][:]...)
	}
	return crypto.Keccak256Hash(buf)
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
// keccak256(abi.encode(RecordsHash(Reads), CodeReadsHash(),
// BalanceReadsHash())).
func (l *L1Lists) ReadsHash() common.Hash {
	s, c, b := RecordsHash(l.Reads), l.CodeReadsHash(), l.BalanceReadsHash()
	return crypto.Keccak256Hash(s[:], c[:], b[:])
}

// WritesHash is the header's WritesHash of these lists:
// RecordsHash(Writes).
func (l *L1Lists) WritesHash() common.Hash { return RecordsHash(l.Writes) }
