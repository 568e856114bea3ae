package statechanges

import (
	"bytes"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"
)

// SlotKey names one storage slot of one L1 contract.
type SlotKey struct {
	Contract common.Address
	Slot     common.Hash
}

// compare orders keys by contract, then slot.
func (k SlotKey) compare(o SlotKey) int {
	if c := bytes.Compare(k.Contract[:], o.Contract[:]); c != 0 {
		return c
	}
	return bytes.Compare(k.Slot[:], o.Slot[:])
}

// Write is one entry of a write list: the final value of an L1 slot.
type Write struct {
	Contract common.Address
	Slot     common.Hash
	Value    common.Hash
}

// Key returns the slot the write is for.
func (w Write) Key() SlotKey { return SlotKey{w.Contract, w.Slot} }

// WriteList is the ordered list of L1 storage writes of a batch: one entry
// per slot, in the order of the slot's first write. The zero value is an
// empty list.
type WriteList []Write

// StateChange is the Solidity struct StateChange { bytes32 slot; bytes32
// value; } that applyStateUpdates takes.
type StateChange struct {
	Slot  common.Hash
	Value common.Hash
}

// StorageRead is a storage slot the batch read before writing it, with the
// value it saw (the value in the pinned L1 block).
type StorageRead struct {
	Contract common.Address
	Slot     common.Hash
	Value    common.Hash
}

// CodeRead is the code hash of an L1 account whose code the batch executed
// or inspected. The zero hash means the account did not exist.
type CodeRead struct {
	Account  common.Address
	CodeHash common.Hash
}

// BalanceRead is the balance of an L1 account the batch read.
type BalanceRead struct {
	Account common.Address
	Balance uint256.Int
}

// ReadSet is every L1 fact a batch's outcome depended on, each section
// sorted by key (the canonical order). The zero value is an empty set.
type ReadSet struct {
	Storage  []StorageRead
	Code     []CodeRead
	Balances []BalanceRead
}

// Len returns the number of entries in all sections.
func (r *ReadSet) Len() int { return len(r.Storage) + len(r.Code) + len(r.Balances) }
