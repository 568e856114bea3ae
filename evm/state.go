package evm

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
)

// linkedState is the L2 vm.StateDB. Every snapshot of the L2 state is also a
// snapshot of the L1 view, so reverting an L2 frame reverts the L1 writes
// made inside it; and the precompiles are warmed at the start of every
// transaction.
type linkedState struct {
	vm.StateDB
	view  *l1.View
	snaps []int            // L2 snapshot id -> L1 view snapshot id
	warm  []common.Address // go-ethereum's precompiles and ours, built once
	// written is each L2 slot an SSTORE of the block wrote, with its
	// value before the first (the block's start value), in first-write
	// order.
	written map[storageKey]common.Hash
	order   []storageKey
	// coded is each L2 account whose code the block set, with its code
	// before (the block's start code), in first-set order.
	coded     map[common.Address][]byte
	codeOrder []common.Address
	// nonced is each L2 account whose nonce the block set, with its
	// nonce before, in first-set order.
	nonced     map[common.Address]uint64
	nonceOrder []common.Address
}

// SetNonce records the account's nonce before the block first sets it.
func (s *linkedState) SetNonce(addr common.Address, nonce uint64, reason tracing.NonceChangeReason) {
	if _, ok := s.nonced[addr]; !ok {
		if s.nonced == nil {
			s.nonced = make(map[common.Address]uint64)
		}
		s.nonced[addr] = s.StateDB.GetNonce(addr)
		s.nonceOrder = append(s.nonceOrder, addr)
	}
	s.StateDB.SetNonce(addr, nonce, reason)
}

type storageKey struct {
	addr common.Address
	slot common.Hash
}

// SetCode records the account's code before the block first sets it.
func (s *linkedState) SetCode(addr common.Address, code []byte, reason tracing.CodeChangeReason) []byte {
	if _, ok := s.coded[addr]; !ok {
		if s.coded == nil {
			s.coded = make(map[common.Address][]byte)
		}
		s.coded[addr] = common.CopyBytes(s.StateDB.GetCode(addr))
		s.codeOrder = append(s.codeOrder, addr)
	}
	return s.StateDB.SetCode(addr, code, reason)
}

// SetState records the slot's value before the block's first write to it.
func (s *linkedState) SetState(addr common.Address, slot, value common.Hash) common.Hash {
	k := storageKey{addr, slot}
	if _, ok := s.written[k]; !ok {
		if s.written == nil {
			s.written = make(map[storageKey]common.Hash)
		}
		s.written[k] = s.StateDB.GetState(addr, slot)
		s.order = append(s.order, k)
	}
	return s.StateDB.SetState(addr, slot, value)
}

func (s *linkedState) Snapshot() int {
	id := s.StateDB.Snapshot()
	viewID := s.view.Snapshot()
	for len(s.snaps) <= id {
		s.snaps = append(s.snaps, 0)
	}
	s.snaps[id] = viewID
	return id
}

func (s *linkedState) RevertToSnapshot(id int) {
	s.StateDB.RevertToSnapshot(id)
	s.view.RevertToSnapshot(s.snaps[id])
}

func (s *linkedState) Prepare(rules params.Rules, sender, coinbase common.Address, dest *common.Address, active []common.Address, list types.AccessList) {
	if len(s.warm) != len(active)+len(precompiles.Addresses()) {
		s.warm = append(append(make([]common.Address, 0, len(active)+3), active...), precompiles.Addresses()...)
	}
	s.StateDB.Prepare(rules, sender, coinbase, dest, s.warm, list)
}

// endTx forgets the snapshot mapping; the L2 journal restarts its ids.
func (s *linkedState) endTx() { s.snaps = s.snaps[:0] }
