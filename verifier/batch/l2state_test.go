package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/statetree"
)

// l2Batch is the test batch over target's slot 0 starting at 7 (the two
// transactions leave it at 4, then 0), with the L2 state before it
// (target's code, slot 0 at 7 and an unrelated slot of another account)
// and after it.
func l2Batch(t *testing.T) (*Header, []*types.Transaction, []*verifier.Transaction, *statetree.Tree, *statetree.Tree) {
	t.Helper()
	h, txs := testBatch(t)
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	storage := map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(7))}
	var execs []*verifier.Transaction
	for i, tx := range txs {
		tr := frameOn(t, storage, sigs[i].Sender, tx.Value(), tx.Data())
		for _, sl := range tr.Storage {
			storage[sl.Key] = sl.Final
		}
		execs = append(execs, single(tr))
	}
	set := func(tr *statetree.Tree, addr common.Address, slot, v int64) *statetree.Tree {
		next, err := tr.Set(L2StorageKey(addr, common.BigToHash(big.NewInt(slot))), common.BigToHash(big.NewInt(v)))
		require.NoError(t, err)
		return next
	}
	withCode, err := statetree.New().Set(L2CodeKey(target), CodeDigest(targetCode))
	require.NoError(t, err)
	pre := set(set(withCode, target, 0, 7), common.HexToAddress("0x0b"), 5, 3)
	post := set(pre, target, 0, 0)
	h.ParentL2StateRoot, h.L2StateRoot = pre.RootHash(), post.RootHash()
	return h, txs, execs, pre, post
}

// TestL2State: the end segments take each L2 slot's value before the
// batch from the L2 state tree the header's parent root names and leave
// the tree whose root is the header's L2 state root. Each wrong state is
// refused outside the circuit and, built anyway, by the end segment.
func TestL2State(t *testing.T) {
	h, txs, execs, pre, _ := l2Batch(t)
	segs, err := Witnesses(h, noL1, pre, txs, execs, capacity)
	require.NoError(t, err)
	require.Empty(t, solveAll(t, capacity, segs), "the honest batch")
	end := len(segs) - 1
	require.Equal(t, KindEnd, segs[end].Kind)

	other := func(tr *statetree.Tree, addr common.Address, slot, v int64) *statetree.Tree {
		next, err := tr.Set(L2StorageKey(addr, common.BigToHash(big.NewInt(slot))), common.BigToHash(big.NewInt(v)))
		require.NoError(t, err)
		return next
	}
	tests := []struct {
		name string
		// change returns the header and the tree the batch is built with.
		change func(h Header) (Header, *statetree.Tree)
	}{
		{"a slot's value before not the state's", func(h Header) (Header, *statetree.Tree) {
			tr := other(pre, target, 0, 8)
			h.ParentL2StateRoot = tr.RootHash()
			return h, tr
		}},
		{"another L2 state root after the batch", func(h Header) (Header, *statetree.Tree) {
			h.L2StateRoot = pre.RootHash()
			return h, pre
		}},
		{"a parent root that is not the tree's", func(h Header) (Header, *statetree.Tree) {
			h.ParentL2StateRoot = other(pre, target, 9, 9).RootHash()
			return h, pre
		}},
		{"an untouched entry dropped from the tree", func(h Header) (Header, *statetree.Tree) {
			return h, other(pre, common.HexToAddress("0x0b"), 5, 0)
		}},
		{"the frames' code not the tree's", func(h Header) (Header, *statetree.Tree) {
			tr, err := pre.Set(L2CodeKey(target), CodeDigest([]byte{0x00}))
			require.NoError(t, err)
			h.ParentL2StateRoot = tr.RootHash()
			return h, tr
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wrong, tr := tc.change(*h)
			_, err := Witnesses(&wrong, noL1, tr, txs, execs, capacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := witnesses(&wrong, noL1, tr, txs, execs, capacity, &faults{l2: true})
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint([]int{end}), fmt.Sprint(solveAll(t, capacity, segs)), "the segments refused")
		})
	}
	_, err = Witnesses(h, noL1, nil, txs, execs, capacity)
	require.ErrorIs(t, err, ErrStatement, "no L2 state")

	// The frames run other code than the tree holds, and the end segment
	// proves the tree's digest: the digests the frames read are not the
	// one written, which the last end segment's sum refuses.
	t.Run("an L2 frame running code the tree does not hold", func(t *testing.T) {
		tr, err := pre.Set(L2CodeKey(target), CodeDigest([]byte{0x00}))
		require.NoError(t, err)
		wrong := *h
		wrong.ParentL2StateRoot = tr.RootHash()
		post, err := tr.Set(L2StorageKey(target, common.Hash{}), common.Hash{})
		require.NoError(t, err)
		wrong.L2StateRoot = post.RootHash()
		segs, err := witnesses(&wrong, noL1, tr, txs, execs, capacity, &faults{l2: true,
			l2CodeDigest: func(common.Address, common.Hash) common.Hash { return CodeDigest([]byte{0x00}) }})
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint([]int{end}), fmt.Sprint(solveAll(t, capacity, segs)), "the segments refused")
	})
}
