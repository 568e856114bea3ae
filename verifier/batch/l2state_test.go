package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// l2Batch is the test batch over target's slot 0 starting at 7 (the two
// transactions leave it at 4, then 0), with the L2 state before it
// (target's code, slot 0 at 7 and an unrelated slot of another account)
// and after it.
func l2Batch(t *testing.T) (*Header, []*types.Transaction, []*trace.Transaction, *statetree.Tree, *statetree.Tree) {
	t.Helper()
	h, txs := testBatch(t)
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	storage := map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(7))}
	var execs []*trace.Transaction
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
	// The senders' nonces: the test batch's transactions are alice's
	// nonce 0 (no entry) and bob's 3.
	nonce := func(tr *statetree.Tree, addr common.Address, v int64) *statetree.Tree {
		next, err := tr.Set(L2NonceKey(addr), common.BigToHash(big.NewInt(v)))
		require.NoError(t, err)
		return next
	}
	pre = nonce(pre, sigs[1].Sender, 3)
	post := nonce(nonce(set(pre, target, 0, 0), sigs[0].Sender, 1), sigs[1].Sender, 4)
	h.ParentL2StateRoot, h.L2StateRoot = pre.RootHash(), post.RootHash()
	return h, txs, execs, pre, post
}

// TestL2State: the end segments take each L2 slot's value before the
// batch from the L2 state tree the header's parent root names and leave
// the tree whose root is the header's L2 state root. Each wrong state is
// refused outside the circuit and, built anyway, by the end segment.
func TestL2State(t *testing.T) {
	h, txs, execs, pre, _ := l2Batch(t)
	sigs, err := Signatures(txs)
	require.NoError(t, err)
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

	// The parent root's word is the root plus the modulus: the same
	// field element, other bytes, which the header segment refuses.
	t.Run("a parent root word that is not canonical", func(t *testing.T) {
		wrong := *h
		r := pre.Root()
		v := new(big.Int).Add(r.BigInt(new(big.Int)), fr.Modulus())
		v.FillBytes(wrong.ParentL2StateRoot[:])
		_, err := Witnesses(&wrong, noL1, pre, txs, execs, capacity)
		require.ErrorIs(t, err, ErrStatement)
		segs, err := witnesses(&wrong, noL1, pre, txs, execs, capacity, &faults{l2: true})
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint([]int{0}), fmt.Sprint(solveAll(t, capacity, segs)), "the segments refused")
	})

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
		for i, n := range []int64{1, 4} {
			post, err = post.Set(L2NonceKey(sigs[i].Sender), common.BigToHash(big.NewInt(n)))
			require.NoError(t, err)
		}
		wrong.L2StateRoot = post.RootHash()
		segs, err := witnesses(&wrong, noL1, tr, txs, execs, capacity, &faults{l2: true,
			l2CodeDigest: func(common.Address, common.Hash) common.Hash { return CodeDigest([]byte{0x00}) }})
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint([]int{end}), fmt.Sprint(solveAll(t, capacity, segs)), "the segments refused")
	})
}

// TestNonces: each transaction's nonce is its sender's in the L2 state
// tree or the next after its sender's transaction before it, and the
// batch leaves the next nonce. A nonce reused or skipped is refused
// outside the circuit and, built anyway, by the last end segment's sum;
// a first nonce other than the tree's by the end segment's tree update.
func TestNonces(t *testing.T) {
	signer := types.LatestSignerForChainID(l2Chain)
	alice := testKey(t, "alice")
	batchOf := func(nonces ...uint64) (*Header, []*types.Transaction, []*trace.Transaction) {
		var txs []*types.Transaction
		for _, n := range nonces {
			txs = append(txs, types.MustSignNewTx(alice, signer, &types.LegacyTx{Nonce: n, GasPrice: big.NewInt(1), Gas: 50_000, To: &target, Data: []byte{1}}))
		}
		sigs, err := Signatures(txs)
		require.NoError(t, err)
		var execs []*trace.Transaction
		storage := map[common.Hash]common.Hash{}
		for i, tx := range txs {
			tr := frameOn(t, storage, sigs[i].Sender, tx.Value(), tx.Data())
			for _, sl := range tr.Storage {
				storage[sl.Key] = sl.Final
			}
			execs = append(execs, single(tr))
		}
		h := &Header{L1ChainID: big.NewInt(1337), ChainID: l2Chain, Number: 1, Transactions: TransactionsCommitment(testL2Block, sigs), L2Block: testL2Block,
			ReadsHash: noL1.ReadsHash(), WritesHash: noL1.WritesHash()}
		return h, txs, execs
	}
	sender := crypto.PubkeyToAddress(alice.PublicKey)
	state := func(nonce int64) *statetree.Tree {
		tr, err := statetree.New().Set(L2CodeKey(target), CodeDigest(targetCode))
		require.NoError(t, err)
		tr, err = tr.Set(L2NonceKey(sender), common.BigToHash(big.NewInt(nonce)))
		require.NoError(t, err)
		return tr
	}
	// after is the state after transactions leaving alice at nonce n and
	// target's slot 0 at 1.
	after := func(n int64) common.Hash {
		tr, err := state(n).Set(L2StorageKey(target, common.Hash{}), common.BigToHash(big.NewInt(1)))
		require.NoError(t, err)
		return tr.RootHash()
	}
	h, txs, execs := batchOf(5, 6)
	h.ParentL2StateRoot, h.L2StateRoot = state(5).RootHash(), after(7)
	segs, err := Witnesses(h, noL1, state(5), txs, execs, capacity)
	require.NoError(t, err)
	require.Empty(t, solveAll(t, capacity, segs), "nonces 5 and 6 from 5")

	tests := []struct {
		name   string
		nonces []uint64
		from   int64 // the tree's nonce
		left   int64 // the nonce the header's root says the batch leaves
		fl     *faults
	}{
		{"a nonce reused", []uint64{5, 5}, 5, 6, &faults{inconsistent: true}},
		{"a nonce skipped", []uint64{5, 7}, 5, 8, &faults{inconsistent: true}},
		{"a first nonce other than the state's", []uint64{4, 5}, 5, 6, &faults{l2: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, txs, execs := batchOf(tc.nonces...)
			h.ParentL2StateRoot, h.L2StateRoot = state(tc.from).RootHash(), after(tc.left)
			_, err := Witnesses(h, noL1, state(tc.from), txs, execs, capacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := witnesses(h, noL1, state(tc.from), txs, execs, capacity, tc.fl)
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint([]int{len(segs) - 1}), fmt.Sprint(solveAll(t, capacity, segs)), "the segments refused")
		})
	}
}
