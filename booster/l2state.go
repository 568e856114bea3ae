package booster

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/statetree"
)

// The L2 state commitment a batch names (Batch.L2StateRoot) is the root
// of a Poseidon2 sparse Merkle tree (verifier/statetree) holding every
// nonzero L2 storage slot under batch.L2StorageKey, every L2 account's
// code digest (batch.CodeDigest) under batch.L2CodeKey and every nonzero
// L2 nonce under batch.L2NonceKey: the commitment the
// batch proof can open and update, where go-ethereum's trie root (the L2
// block's Root) would cost a keccak per node. The booster keeps the tree
// of its head in memory; after a restart it rebuilds it from the genesis
// and each batch's record of the storage it changed.

// GenesisStateRoot is the L2 state commitment of the genesis a booster
// made with opts starts from (WithGenesis; the others do not change it):
// the root of the first batch's parent state, which the L1 booster
// contract takes in its constructor, so deploy it with this value.
func GenesisStateRoot(opts ...Option) (common.Hash, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	t, err := genesisTree(cfg.evm.Genesis)
	if err != nil {
		return common.Hash{}, err
	}
	return t.RootHash(), nil
}

// genesisTree is the tree of the genesis allocation's storage.
func genesisTree(alloc types.GenesisAlloc) (*statetree.Tree, error) {
	t := statetree.New()
	for addr, acct := range alloc {
		if acct.Nonce > 0 {
			var err error
			if t, err = t.Set(batch.L2NonceKey(addr), nonceWord(acct.Nonce)); err != nil {
				return nil, fmt.Errorf("booster: genesis nonce of %s: %w", addr, err)
			}
		}
		if len(acct.Code) > 0 {
			var err error
			if t, err = t.Set(batch.L2CodeKey(addr), batch.CodeDigest(acct.Code)); err != nil {
				return nil, fmt.Errorf("booster: genesis code of %s: %w", addr, err)
			}
		}
		for slot, v := range acct.Storage {
			var err error
			if t, err = t.Set(batch.L2StorageKey(addr, slot), v); err != nil {
				return nil, fmt.Errorf("booster: genesis storage of %s: %w", addr, err)
			}
		}
	}
	return t, nil
}

// CodeChange is an L2 account whose code a batch changed, by the
// digests (batch.CodeDigest; zero for no code) of its code before and
// after the batch.
type CodeChange struct {
	Address       common.Address
	Before, After common.Hash
}

// codeChanges are a block's code changes by digest.
func codeChanges(cs []evm.CodeChange) []CodeChange {
	digest := func(code []byte) common.Hash {
		if len(code) == 0 {
			return common.Hash{}
		}
		return batch.CodeDigest(code)
	}
	var out []CodeChange
	for _, c := range cs {
		out = append(out, CodeChange{Address: c.Address, Before: digest(c.Before), After: digest(c.After)})
	}
	return out
}

// nonceWord is a nonce as the tree's 32-byte value.
func nonceWord(n uint64) common.Hash { return common.BigToHash(new(big.Int).SetUint64(n)) }

// applyChanges returns t with a batch's storage, code and nonce changes
// (undone when undo is set).
func applyChanges(t *statetree.Tree, storage []evm.StorageChange, code []CodeChange, nonces []evm.NonceChange, undo bool) (*statetree.Tree, error) {
	t, err := applyStorage(t, storage, undo)
	if err != nil {
		return nil, err
	}
	for _, c := range nonces {
		v := c.After
		if undo {
			v = c.Before
		}
		if t, err = t.Set(batch.L2NonceKey(c.Address), nonceWord(v)); err != nil {
			return nil, fmt.Errorf("booster: L2 nonce of %s: %w", c.Address, err)
		}
	}
	for _, c := range code {
		v := c.After
		if undo {
			v = c.Before
		}
		if t, err = t.Set(batch.L2CodeKey(c.Address), v); err != nil {
			return nil, fmt.Errorf("booster: L2 code of %s: %w", c.Address, err)
		}
	}
	return t, nil
}

// applyStorage returns t with each change's value after (or before,
// undoing the changes, when undo is set).
func applyStorage(t *statetree.Tree, changes []evm.StorageChange, undo bool) (*statetree.Tree, error) {
	for _, c := range changes {
		v := c.After
		if undo {
			v = c.Before
		}
		var err error
		if t, err = t.Set(batch.L2StorageKey(c.Address, c.Slot), v); err != nil {
			return nil, fmt.Errorf("booster: L2 slot %s of %s: %w", c.Slot, c.Address, err)
		}
	}
	return t, nil
}

// L2StateRoot is the L2 state commitment as the last executed batch left
// it (of the genesis before the first): what the next batch's proof
// starts from.
func (b *Booster) L2StateRoot() common.Hash {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.l2.RootHash()
}
