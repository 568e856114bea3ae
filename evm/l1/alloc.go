package l1

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// NewAllocSource returns a source that serves a fixed L1 state given as a
// genesis allocation, pinned at the given header. It needs no node, which
// makes it the source of choice for unit tests, fuzzing and benchmarks.
// The allocation is copied.
func NewAllocSource(config *params.ChainConfig, pinned *types.Header, alloc types.GenesisAlloc) (Source, error) {
	if pinned == nil || pinned.Number == nil {
		return nil, ErrNoHeader
	}
	if config == nil {
		return nil, fmt.Errorf("l1: nil chain config")
	}
	s := &allocSource{
		config:   config,
		header:   types.CopyHeader(pinned),
		accounts: make(map[common.Address]*Account, len(alloc)),
		storage:  make(map[storageKey]common.Hash),
	}
	for addr, a := range alloc {
		bal := new(uint256.Int)
		if a.Balance != nil {
			var overflow bool
			if bal, overflow = uint256.FromBig(a.Balance); overflow || a.Balance.Sign() < 0 {
				return nil, fmt.Errorf("l1: balance of %s out of range", addr)
			}
		}
		code := common.CopyBytes(a.Code)
		s.accounts[addr] = &Account{Nonce: a.Nonce, Balance: bal, Code: code, CodeHash: crypto.Keccak256Hash(code)}
		for k, v := range a.Storage {
			s.storage[storageKey{addr, k}] = v
		}
	}
	return s, nil
}

type allocSource struct {
	config   *params.ChainConfig
	header   *types.Header
	accounts map[common.Address]*Account
	storage  map[storageKey]common.Hash
}

var emptyAccount = &Account{Balance: new(uint256.Int), CodeHash: types.EmptyCodeHash}

func (s *allocSource) Header() *types.Header            { return s.header }
func (s *allocSource) ChainConfig() *params.ChainConfig { return s.config }

func (s *allocSource) Account(_ context.Context, addr common.Address) (*Account, error) {
	if a, ok := s.accounts[addr]; ok {
		return a, nil
	}
	return emptyAccount, nil
}

func (s *allocSource) Storage(_ context.Context, addr common.Address, slot common.Hash) (common.Hash, error) {
	return s.storage[storageKey{addr, slot}], nil
}

func (s *allocSource) HeaderByHash(_ context.Context, hash common.Hash) (*types.Header, error) {
	if hash == s.header.Hash() {
		return s.header, nil
	}
	return nil, fmt.Errorf("%w: header %s not held by an alloc source", ErrSource, hash)
}
