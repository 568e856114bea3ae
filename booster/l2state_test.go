package booster_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/statetree"
)

// storer is L2 code that stores calldata word 1 at the slot calldata
// word 0 names: PUSH1 32 CALLDATALOAD PUSH1 0 CALLDATALOAD SSTORE STOP.
var storer = common.FromHex("0x602035600035550000")

// treeOf is the L2 state tree built from scratch, the test's own
// computation of what the booster commits to.
func treeOf(t *testing.T, addr common.Address, slots map[uint64]uint64) *statetree.Tree {
	t.Helper()
	tr, err := statetree.New().Set(batch.L2CodeKey(addr), batch.CodeDigest(storer))
	require.NoError(t, err)
	for k, v := range slots {
		var err error
		tr, err = tr.Set(batch.L2StorageKey(addr, word(k)), word(v))
		require.NoError(t, err)
	}
	return tr
}

// withNonce is tr with addr's nonce n.
func withNonce(t *testing.T, tr *statetree.Tree, addr common.Address, n uint64) *statetree.Tree {
	t.Helper()
	next, err := tr.Set(batch.L2NonceKey(addr), common.BigToHash(new(big.Int).SetUint64(n)))
	require.NoError(t, err)
	return next
}

// TestL2StateRoot: a batch commits to the Poseidon2 tree of the L2
// storage it leaves, lists the slots it changed, and a rollback and a
// restart keep the tree in step with the chain.
func TestL2StateRoot(t *testing.T) {
	l1 := testenv.NewL1(t)
	user := testenv.NewL2Account(t, "user", l2ChainID)
	c := common.HexToAddress("0x5707e")
	alloc := types.GenesisAlloc{user.Addr: {Balance: testenv.Ether},
		c: {Code: storer, Storage: map[common.Hash]common.Hash{word(1): word(5)}}}
	dir := t.TempDir()
	db, err := evm.OpenDatabase(dir)
	require.NoError(t, err)
	defer func() { db.Close() }()
	opts := func(db ethdb.Database) []booster.Option {
		return []booster.Option{booster.WithChainID(l2ChainID), booster.WithGenesis(alloc), booster.WithDatabase(db)}
	}
	b, err := booster.New(l1.Source(t), opts(db)...)
	require.NoError(t, err)
	genesis := treeOf(t, c, map[uint64]uint64{1: 5}).RootHash()
	require.Equal(t, genesis, b.L2StateRoot())

	store := func(slot, value uint64) *types.Transaction {
		return user.Tx(t, &c, nil, append(word(slot).Bytes(), word(value).Bytes()...), 1_000_000)
	}
	// Slot 1 cleared, slot 2 set, slot 3 set and set back to zero (no
	// change, so not listed), slot 5 set by a transaction that runs out
	// of gas (undone, so not listed).
	txs := []*types.Transaction{store(2, 9), store(1, 0), store(3, 4), store(3, 0)}
	txs = append(txs, user.Tx(t, &c, nil, append(word(5).Bytes(), word(7).Bytes()...), 30_000))
	for _, tx := range txs {
		require.NoError(t, b.Submit(tx))
	}
	first, err := b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, first.Transactions, len(txs))
	for i, r := range first.Receipts {
		require.Equal(t, i == len(txs)-1, r.Err != nil, "receipt %d: %v", i, r.Err)
	}
	require.Equal(t, []evm.StorageChange{
		{Address: c, Slot: word(1), Before: word(5), After: common.Hash{}},
		{Address: c, Slot: word(2), Before: common.Hash{}, After: word(9)},
	}, first.L2Storage)
	require.Equal(t, []evm.NonceChange{{Address: user.Addr, Before: 0, After: 5}}, first.L2Nonces)
	want := withNonce(t, treeOf(t, c, map[uint64]uint64{2: 9}), user.Addr, 5).RootHash()
	require.Equal(t, want, first.L2StateRoot)
	require.Equal(t, genesis, first.ParentL2StateRoot)
	require.Equal(t, genesis, first.L2StateBefore().RootHash())
	require.Equal(t, want, b.L2StateRoot())
	require.Equal(t, want, common.Hash(first.Settlement().L2StateRoot), "the commitment binds the tree's root")
	require.NotEqual(t, first.L2Block.Root, first.L2StateRoot, "not go-ethereum's trie root")

	// A rollback goes back to the genesis tree, and executing again
	// gives the same batch.
	require.NoError(t, b.Rollback(first))
	require.Equal(t, genesis, b.L2StateRoot())
	again, err := b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, want, again.L2StateRoot)

	// A contract created: its code digest goes into the tree.
	// A restart rebuilds the tree from the records, and reads the batch
	// back with its storage changes.
	created := crypto.CreateAddress(user.Addr, user.Nonce)
	require.NoError(t, b.Submit(user.Tx(t, nil, nil, common.FromHex("0x60fe60005360016000f3"), 1_000_000)))
	require.NoError(t, b.Submit(store(4, 1)))
	second, err := b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, []byte{0xfe}, b.Chain().Code(created))
	require.Equal(t, []booster.CodeChange{{Address: created, After: batch.CodeDigest([]byte{0xfe})}}, second.L2Code)
	// The created contract starts at nonce 1 (EIP-161).
	withCode, err := withNonce(t, withNonce(t, treeOf(t, c, map[uint64]uint64{2: 9, 4: 1}), user.Addr, 7), created, 1).Set(batch.L2CodeKey(created), batch.CodeDigest([]byte{0xfe}))
	require.NoError(t, err)
	require.Equal(t, withCode.RootHash(), second.L2StateRoot)
	require.NoError(t, db.Close())
	db, err = evm.OpenDatabase(dir)
	require.NoError(t, err)
	b, err = booster.New(l1.Source(t), opts(db)...)
	require.NoError(t, err)
	require.Equal(t, second.L2StateRoot, b.L2StateRoot())
	read, err := b.Batch(1)
	require.NoError(t, err)
	require.Equal(t, again.L2Storage, read.L2Storage)
	require.Equal(t, again.L2StateRoot, read.L2StateRoot)
	require.Equal(t, genesis, read.L2StateBefore().RootHash(), "rebuilt for a batch read back")
	read2, err := b.Batch(2)
	require.NoError(t, err)
	require.Equal(t, again.L2StateRoot, read2.L2StateBefore().RootHash())
	wantCommitment, err := again.Commitment()
	require.NoError(t, err)
	gotCommitment, err := read.Commitment()
	require.NoError(t, err)
	require.Equal(t, wantCommitment, gotCommitment)

	// A record whose storage changes do not give its root is refused on
	// reopening, not trusted.
	key := binary.BigEndian.AppendUint64([]byte("go-booster/booster/batch/"), 2)
	enc, err := db.Get(key)
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(enc, &rec))
	rec["l2StateRoot"] = genesis.Hex()
	enc, err = json.Marshal(rec)
	require.NoError(t, err)
	require.NoError(t, db.Put(key, enc))
	_, err = booster.New(l1.Source(t), opts(db)...)
	require.ErrorIs(t, err, booster.ErrStore)
}

// genesisRoot is the L2 genesis state commitment of a booster made with
// opts, for its L1 booster contract's constructor.
func genesisRoot(t testing.TB, opts ...booster.Option) common.Hash {
	t.Helper()
	root, err := booster.GenesisStateRoot(opts...)
	require.NoError(t, err)
	return root
}

// TestBoosterContractCarriesL2StateRoot: the booster contract keeps the
// L2 state root each settled batch leaves, and one deployed with another
// genesis root than the booster's refuses the first batch.
func TestBoosterContractCarriesL2StateRoot(t *testing.T) {
	w := newSettleWorld(t)
	c := bindings.NewBooster()
	last := func(contract common.Address) common.Hash {
		root, err := bind.Call(c.Instance(w.l1.Client, contract), nil, c.PackLastL2StateRoot(), c.UnpackLastL2StateRoot)
		require.NoError(t, err)
		return root
	}
	prev := w.lastBatch
	require.Equal(t, prev.L2StateRoot, last(w.contract))
	next := w.execute(w.increment())
	require.Equal(t, prev.L2StateRoot, next.ParentL2StateRoot)
	require.NotEqual(t, next.ParentL2StateRoot, next.L2StateRoot, "the sender's nonce moved")
	w.settle(next)
	require.Equal(t, next.L2StateRoot, last(w.contract))

	wrong := w.l1.Deploy(t, "Booster", nil, w.verifier, l2ChainID, crypto.Keccak256Hash([]byte("another genesis")))
	require.Equal(t, crypto.Keccak256Hash([]byte("another genesis")), last(wrong))
	b, err := booster.New(w.l1.Source(t), booster.WithChainID(l2ChainID), booster.WithL1Contract(wrong))
	require.NoError(t, err)
	require.NoError(t, b.Submit(testenv.NewL2Account(t, "user on the wrong deployment", l2ChainID).Tx(t, &w.counter, nil, nil, 100_000)))
	batch, err := b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	w.l1.Backend.Commit()
	_, err = booster.Settle(context.Background(), w.l1.Client, w.opts(), wrong, batch, w.prover())
	require.ErrorIs(t, err, booster.ErrSettlementReverted)
	require.ErrorContains(t, err, "L2StateRootMismatch")
}

// TestWithGenesisAddsUp: two WithGenesis options make the genesis of
// their accounts together (boostertest.Funded beside predeployed code),
// the later winning for an account both give, and the map an option was
// given is not the booster's (changing it later changes nothing).
func TestWithGenesisAddsUp(t *testing.T) {
	a, b := common.HexToAddress("0xa1"), common.HexToAddress("0xa2")
	storage := map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(7))}
	first := types.GenesisAlloc{a: {Code: storer, Storage: storage}}
	second := types.GenesisAlloc{b: {Code: storer, Storage: storage}}
	both := genesisRoot(t, booster.WithGenesis(types.GenesisAlloc{a: first[a], b: second[b]}))
	require.Equal(t, both, genesisRoot(t, booster.WithGenesis(first), booster.WithGenesis(second)))
	require.NotEqual(t, both, genesisRoot(t, booster.WithGenesis(second)))
	later := types.GenesisAlloc{a: {Code: storer}}
	require.Equal(t, genesisRoot(t, booster.WithGenesis(types.GenesisAlloc{a: later[a], b: second[b]})),
		genesisRoot(t, booster.WithGenesis(first), booster.WithGenesis(second), booster.WithGenesis(later)))

	opt := booster.WithGenesis(first)
	before := genesisRoot(t, opt)
	first[b] = second[b]
	require.Equal(t, before, genesisRoot(t, opt))
}
