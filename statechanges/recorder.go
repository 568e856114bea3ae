package statechanges

import (
	"bytes"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"
)

// Recorder collects the L1 writes and reads of one batch.
//
// Writes are journalled: [Recorder.Mark] returns a point that
// [Recorder.RevertTo] goes back to, forgetting every slot whose first write
// came after it. Reads are kept whatever happens later.
//
// The zero value is not usable; call [NewRecorder]. A Recorder is not safe
// for concurrent use.
type Recorder struct {
	written map[SlotKey]struct{}
	order   []SlotKey
	storage map[SlotKey]common.Hash
	reads   []SlotKey // storage reads in the order first seen
	// writers and readers count the slots per contract in order and reads.
	writers, readers map[common.Address]int
	code             map[common.Address]common.Hash
	balances         map[common.Address]uint256.Int
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{
		written:  make(map[SlotKey]struct{}),
		storage:  make(map[SlotKey]common.Hash),
		code:     make(map[common.Address]common.Hash),
		balances: make(map[common.Address]uint256.Int),
		writers:  make(map[common.Address]int),
		readers:  make(map[common.Address]int),
	}
}

// Written reports whether a write to the slot is in effect.
func (r *Recorder) Written(contract common.Address, slot common.Hash) bool {
	_, ok := r.written[SlotKey{contract, slot}]
	return ok
}

// RecordWrite notes a write to the slot. Only the first write of a slot
// counts for the order; values are read back at the end by [Recorder.WriteList].
func (r *Recorder) RecordWrite(contract common.Address, slot common.Hash) {
	k := SlotKey{contract, slot}
	if _, ok := r.written[k]; ok {
		return
	}
	r.written[k] = struct{}{}
	r.order = append(r.order, k)
	r.writers[contract]++
}

// Mark returns the current journal position for [Recorder.RevertTo].
func (r *Recorder) Mark() int { return len(r.order) }

// RevertTo forgets the writes recorded since mark was taken.
func (r *Recorder) RevertTo(mark int) {
	for _, k := range r.order[mark:] {
		delete(r.written, k)
		uncount(r.writers, k.Contract)
	}
	r.order = r.order[:mark]
}

// RecordStorageRead notes that the slot was read before any write to it in
// effect, and the value seen. Only the first read of a slot is kept.
func (r *Recorder) RecordStorageRead(contract common.Address, slot, value common.Hash) {
	k := SlotKey{contract, slot}
	if _, ok := r.storage[k]; !ok {
		r.storage[k] = value
		r.reads = append(r.reads, k)
		r.readers[contract]++
	}
}

// ReadMark returns the number of storage reads recorded so far, for
// [Recorder.ReadsSince] and [Recorder.ForgetReads].
func (r *Recorder) ReadMark() int { return len(r.reads) }

// ReadsSince returns the contracts whose storage was first read after
// mark, and WrittenSince the contracts with a first write in effect after
// a [Recorder.Mark]; each contract once, in first-seen order.
func (r *Recorder) ReadsSince(mark int) []common.Address { return contractsOf(r.reads[mark:]) }

// WrittenSince returns the contracts with a write in effect whose first
// write came after mark.
func (r *Recorder) WrittenSince(mark int) []common.Address { return contractsOf(r.order[mark:]) }

func contractsOf(keys []SlotKey) []common.Address {
	var out []common.Address
	for _, k := range keys {
		if !slices.Contains(out, k.Contract) {
			out = append(out, k.Contract)
		}
	}
	return out
}

// ForgetReads drops the storage reads of contract recorded after mark:
// for an execution whose outcome is replaced by one that does not depend
// on them.
func (r *Recorder) ForgetReads(mark int, contract common.Address) {
	kept := r.reads[:mark]
	for _, k := range r.reads[mark:] {
		if k.Contract == contract {
			delete(r.storage, k)
			uncount(r.readers, contract)
			continue
		}
		kept = append(kept, k)
	}
	r.reads = kept
}

// Stats counts what a settlement of the batch so far would carry: written
// slots and contracts (no-op writes included, so it is an upper bound),
// storage slots read and the contracts they belong to, code hashes and
// balances read.
type Stats struct {
	WrittenSlots, WrittenContracts int
	ReadSlots, ReadContracts       int
	Code, Balances                 int
}

// Stats returns the counts of the batch so far.
func (r *Recorder) Stats() Stats {
	return Stats{
		WrittenSlots:     len(r.order),
		WrittenContracts: len(r.writers),
		ReadSlots:        len(r.reads),
		ReadContracts:    len(r.readers),
		Code:             len(r.code),
		Balances:         len(r.balances),
	}
}

// RecordCode notes the code hash of an account whose code was used.
func (r *Recorder) RecordCode(account common.Address, codeHash common.Hash) {
	if _, ok := r.code[account]; !ok {
		r.code[account] = codeHash
	}
}

// RecordBalance notes the balance of an account that was read.
func (r *Recorder) RecordBalance(account common.Address, balance *uint256.Int) {
	if _, ok := r.balances[account]; !ok {
		r.balances[account] = *balance
	}
}

// SlotValues returns storage values: the value now in the L1 view, and the
// value in the pinned L1 block.
type SlotValues interface {
	Current(contract common.Address, slot common.Hash) common.Hash
	Pinned(contract common.Address, slot common.Hash) common.Hash
}

// Result returns the write list and read set. A written slot whose final
// value equals its pinned value is left out of the write list and put in the
// read set instead: leaving the write out is only right while L1 still holds
// that value, so settlement must check it.
func (r *Recorder) Result(values SlotValues) (WriteList, *ReadSet) {
	storage := make(map[SlotKey]common.Hash, len(r.storage))
	for k, v := range r.storage {
		storage[k] = v
	}
	var writes WriteList
	for _, k := range r.order {
		cur, pinned := values.Current(k.Contract, k.Slot), values.Pinned(k.Contract, k.Slot)
		if cur == pinned {
			if _, ok := storage[k]; !ok {
				storage[k] = pinned
			}
			continue
		}
		writes = append(writes, Write{Contract: k.Contract, Slot: k.Slot, Value: cur})
	}
	reads := &ReadSet{
		Storage:  make([]StorageRead, 0, len(storage)),
		Code:     make([]CodeRead, 0, len(r.code)),
		Balances: make([]BalanceRead, 0, len(r.balances)),
	}
	for k, v := range storage {
		reads.Storage = append(reads.Storage, StorageRead{Contract: k.Contract, Slot: k.Slot, Value: v})
	}
	slices.SortFunc(reads.Storage, func(a, b StorageRead) int {
		return SlotKey{a.Contract, a.Slot}.compare(SlotKey{b.Contract, b.Slot})
	})
	for a, h := range r.code {
		reads.Code = append(reads.Code, CodeRead{Account: a, CodeHash: h})
	}
	slices.SortFunc(reads.Code, func(a, b CodeRead) int { return bytes.Compare(a.Account[:], b.Account[:]) })
	for a, b := range r.balances {
		reads.Balances = append(reads.Balances, BalanceRead{Account: a, Balance: b})
	}
	slices.SortFunc(reads.Balances, func(a, b BalanceRead) int { return bytes.Compare(a.Account[:], b.Account[:]) })
	return writes, reads
}

func uncount(m map[common.Address]int, a common.Address) {
	if m[a] <= 1 {
		delete(m, a)
	} else {
		m[a]--
	}
}
