package booster_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/statechanges"
)

// settleWorld is a simulated L1 with the booster contract, the development
// verifier and the example contracts deployed, and a booster executing L2
// transactions against it.
type settleWorld struct {
	t        *testing.T
	l1       *testenv.L1
	devKey   *ecdsa.PrivateKey
	verifier common.Address
	contract common.Address // the L1 booster contract
	counter  common.Address // BoostedCounter
	pool     common.Address // ConstantProductPool
	voting   common.Address // Voting
	ballot   common.Address // BallotBox, on L2
	b        *booster.Booster
	user     *testenv.L2Account
	// lastBatch is the batch the last execute produced.
	lastBatch *booster.Batch
}

func newSettleWorld(t *testing.T, opts ...booster.Option) *settleWorld {
	t.Helper()
	return newSettleWorldOn(t, testenv.NewL1(t), opts...)
}

// newSettleWorldOn is newSettleWorld on a given simulated L1, with extra
// booster options.
func newSettleWorldOn(t *testing.T, chain *testenv.L1, opts ...booster.Option) *settleWorld {
	t.Helper()
	w := &settleWorld{t: t, l1: chain, devKey: testenv.Key(t, "dev-verifier")}
	w.user = testenv.NewL2Account(t, "user", l2ChainID)
	w.user.FeeCap = new(big.Int)
	w.verifier = w.l1.Deploy(t, "DevBatchVerifier", nil, crypto.PubkeyToAddress(w.devKey.PublicKey))
	w.contract = w.l1.Deploy(t, "Booster", nil, w.verifier, l2ChainID, genesisRoot(t, opts...))
	w.counter = w.l1.Deploy(t, "BoostedCounter", nil, w.contract)
	w.pool = w.l1.Deploy(t, "ConstantProductPool", nil, w.contract, big.NewInt(1_000_000), big.NewInt(2_000_000),
		[]common.Address{w.user.Addr}, big.NewInt(100_000))
	// The ballot box is the user's first L2 contract; Voting lets its
	// aliased address record votes.
	w.ballot = crypto.CreateAddress(w.user.Addr, 0)
	w.voting = w.l1.Deploy(t, "Voting", nil, w.contract, precompiles.Alias(w.ballot), big.NewInt(3))
	b, err := booster.New(w.l1.Source(t), append([]booster.Option{booster.WithChainID(l2ChainID), booster.WithL1Contract(w.contract)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w.b = b
	tx, addr := w.user.Deploy(t, "BallotBox", w.voting)
	if addr != w.ballot {
		t.Fatalf("ballot box at %s, want %s", addr, w.ballot)
	}
	w.execute(tx) // batch 1: no L1 effect
	w.settle(w.lastBatch)
	return w
}

func (w *settleWorld) execute(txs ...*types.Transaction) *booster.Batch {
	w.t.Helper()
	for _, tx := range txs {
		if err := w.b.Submit(tx); err != nil {
			w.t.Fatalf("submit: %v", err)
		}
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	if err != nil {
		w.t.Fatalf("execute batch: %v", err)
	}
	if len(batch.Rejected) != 0 {
		w.t.Fatalf("rejected: %v", batch.Rejected[0].Err)
	}
	for i, r := range batch.Receipts {
		if r.Err != nil {
			w.t.Fatalf("L2 tx %d failed: %v", i, r.Err)
		}
	}
	w.lastBatch = batch
	return batch
}

func (w *settleWorld) prover() booster.Prover {
	return booster.NewDevProver(w.devKey, w.l1.Config.ChainID, w.verifier)
}

func (w *settleWorld) opts() *bind.TransactOpts {
	return bind.NewKeyedTransactor(w.l1.Key, w.l1.Config.ChainID)
}

// settle settles the batch through booster.Settle, mines it, re-pins the
// booster to the new L1 head, and returns the receipt.
func (w *settleWorld) settle(batch *booster.Batch) *types.Receipt {
	w.t.Helper()
	_, r := w.settleTx(batch)
	return r
}

func (w *settleWorld) settleTx(batch *booster.Batch) (*types.Transaction, *types.Receipt) {
	w.t.Helper()
	w.l1.Backend.Commit() // the pinned block must be older than the head
	tx, err := booster.Settle(context.Background(), w.l1.Client, w.opts(), w.contract, batch, w.prover())
	if err != nil {
		w.t.Fatalf("settle batch %d: %v", batch.Number(), err)
	}
	w.l1.Backend.Commit()
	r := w.l1.Receipt(w.t, tx.Hash())
	if r.Status != types.ReceiptStatusSuccessful {
		w.t.Fatalf("settlement of batch %d failed on L1", batch.Number())
	}
	w.repin()
	return tx, r
}

func (w *settleWorld) repin() {
	w.t.Helper()
	if err := w.b.SetL1Source(w.l1.Source(w.t)); err != nil {
		w.t.Fatal(err)
	}
}

// sendSettlement sends settle(batch, proof) as a raw L1 transaction with a
// fixed gas limit, so a refused settlement is mined and reverts on chain.
func (w *settleWorld) sendSettlement(batch bindings.BoosterBatch, proof []byte) *types.Receipt {
	w.t.Helper()
	return w.l1.Send(w.t, &w.contract, nil, bindings.NewBooster().PackSettle(batch, proof))
}

// expectRefused checks that booster.Settle refuses the batch naming the
// contract error, and that the same settlement sent on chain reverts and
// changes nothing in the booster contract or in the given slots.
func (w *settleWorld) expectRefused(batch *booster.Batch, prover booster.Prover, wantErr string, watched map[common.Address][]common.Hash) {
	w.t.Helper()
	w.l1.Backend.Commit() // the pinned block must be older than the head
	before := w.snapshot(watched)
	_, err := booster.Settle(context.Background(), w.l1.Client, w.opts(), w.contract, batch, prover)
	if !errors.Is(err, booster.ErrSettlementReverted) || !strings.Contains(err.Error(), wantErr) {
		w.t.Fatalf("Settle = %v, want ErrSettlementReverted naming %s", err, wantErr)
	}
	proof, err := prover.Prove(context.Background(), batch)
	if err != nil {
		w.t.Fatal(err)
	}
	w.repin() // nothing was settled: the next batch may pin the new head
	if r := w.sendSettlement(batch.Settlement(), proof); r.Status != types.ReceiptStatusFailed {
		w.t.Fatalf("settlement mined with status %d, want a revert", r.Status)
	}
	if after := w.snapshot(watched); !equalSnapshots(before, after) {
		w.t.Fatalf("a refused settlement changed L1 state:\nbefore %v\nafter  %v", before, after)
	}
}

// snapshot reads the booster contract's chain head and the watched slots.
func (w *settleWorld) snapshot(watched map[common.Address][]common.Hash) map[common.Address][]common.Hash {
	snap := map[common.Address][]common.Hash{
		w.contract: {w.l1.Storage(w.t, w.contract, common.Hash{}), w.l1.Storage(w.t, w.contract, word(1)), w.l1.Storage(w.t, w.contract, word(2))},
	}
	for addr, slots := range watched {
		for _, s := range slots {
			snap[addr] = append(snap[addr], w.l1.Storage(w.t, addr, s))
		}
	}
	return snap
}

func equalSnapshots(a, b map[common.Address][]common.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if len(va) != len(vb) {
			return false
		}
		for i := range va {
			if va[i] != vb[i] {
				return false
			}
		}
	}
	return true
}

// written lists, per contract, the slots a batch writes.
func written(batch *booster.Batch) map[common.Address][]common.Hash {
	m := map[common.Address][]common.Hash{}
	for _, wr := range batch.Writes {
		m[wr.Contract] = append(m[wr.Contract], wr.Slot)
	}
	return m
}

func (w *settleWorld) l1CallTx(target common.Address, data []byte) *types.Transaction {
	return w.user.Tx(w.t, &l1Call, nil, input(target, data), 3_000_000)
}

func (w *settleWorld) lastBatchNumber() uint64 {
	w.t.Helper()
	c := bindings.NewBooster()
	out, err := bind.Call(c.Instance(w.l1.Client, w.contract), nil, c.PackLastBatchNumber(), c.UnpackLastBatchNumber)
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// TestSettleEndToEnd runs each example contract through L2 and settles the
// batch: afterwards every written L1 slot holds the value the booster's L1
// view ended the batch with, and the booster contract has moved on.
func TestSettleEndToEnd(t *testing.T) {
	counter := bindings.NewBoostedCounter()
	pool := bindings.NewConstantProductPool()
	ballot := bindings.NewBallotBox()
	counterTxs := func(w *settleWorld) []*types.Transaction {
		return []*types.Transaction{
			w.l1CallTx(w.counter, counter.PackIncrement()),
			w.l1CallTx(w.counter, counter.PackAdd(big.NewInt(41))),
		}
	}
	ammTxs := func(w *settleWorld) []*types.Transaction {
		return []*types.Transaction{
			w.l1CallTx(w.pool, pool.PackSwap(true, big.NewInt(10_000), big.NewInt(1))),
			w.l1CallTx(w.pool, pool.PackSwap(false, big.NewInt(5_000), big.NewInt(1))),
		}
	}
	votingTxs := func(w *settleWorld) []*types.Transaction {
		var txs []*types.Transaction
		for i, p := range []int64{0, 2, 2} {
			voter := freeAccount(w.t, "voter-"+string(rune('a'+i)))
			txs = append(txs, voter.Tx(w.t, &w.ballot, nil, ballot.PackVote(big.NewInt(p)), 1_000_000))
		}
		return txs
	}
	tests := []struct {
		name      string
		txs       func(w *settleWorld) []*types.Transaction
		contracts int // L1 contracts the batch writes
	}{
		{"counter", counterTxs, 1},
		{"amm", ammTxs, 1},
		{"voting", votingTxs, 1},
		{"three dapps in one batch", func(w *settleWorld) []*types.Transaction {
			return append(append(counterTxs(w), ammTxs(w)...), votingTxs(w)...)
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSettleWorld(t)
			batch := w.execute(tt.txs(w)...)
			if len(batch.Writes) == 0 {
				t.Fatal("batch wrote nothing on L1")
			}
			if n := len(batch.Updates()); n != tt.contracts {
				t.Fatalf("batch writes %d L1 contracts, want %d", n, tt.contracts)
			}
			for _, wr := range batch.Writes {
				if got := w.l1.Storage(t, wr.Contract, wr.Slot); got == wr.Value {
					t.Fatalf("slot %s of %s already holds %s before settlement", wr.Slot, wr.Contract, wr.Value)
				}
			}
			tx, r := w.settleTx(batch)
			for _, wr := range batch.Writes {
				if got := w.l1.Storage(t, wr.Contract, wr.Slot); got != wr.Value {
					t.Errorf("slot %s of %s = %s after settlement, L2 view had %s", wr.Slot, wr.Contract, got, wr.Value)
				}
			}
			if got := w.lastBatchNumber(); got != batch.Number() {
				t.Errorf("lastBatchNumber = %d, want %d", got, batch.Number())
			}
			gas, err := booster.ParseSettlementGas(tx, r)
			if err != nil {
				t.Fatal(err)
			}
			if gas.Apply == 0 || gas.Verify == 0 || gas.Calldata == 0 || gas.Total != r.GasUsed {
				t.Errorf("gas split %+v does not account for the settlement (%d gas)", gas, r.GasUsed)
			}
		})
	}
	t.Run("voting tally", func(t *testing.T) {
		w := newSettleWorld(t)
		var txs []*types.Transaction
		for i := range 7 {
			voter := freeAccount(t, "tally-voter-"+string(rune('a'+i)))
			txs = append(txs, voter.Tx(t, &w.ballot, nil, ballot.PackVote(big.NewInt(int64(i%3))), 1_000_000))
		}
		w.settle(w.execute(txs...))
		v := bindings.NewVoting()
		for p, want := range []int64{3, 2, 2} {
			got, err := bind.Call(v.Instance(w.l1.Client, w.voting), nil, v.PackTally(big.NewInt(int64(p))), v.UnpackTally)
			if err != nil {
				t.Fatal(err)
			}
			if got.Int64() != want {
				t.Errorf("tally[%d] = %d on L1 after settlement, want %d", p, got, want)
			}
		}
	})
}

// TestCommitmentMatchesContract checks that the Go batch commitment equals
// the booster contract's batchHash for a batch with every section filled.
func TestCommitmentMatchesContract(t *testing.T) {
	w := newSettleWorld(t)
	batch := w.execute(
		w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement()),
		w.l1CallTx(w.pool, bindings.NewConstantProductPool().PackSwap(true, big.NewInt(1_000), big.NewInt(1))),
	)
	if len(batch.Reads.Storage) < 2 || len(batch.Reads.Code) < 2 {
		t.Fatalf("read set too small to test: %+v", batch.Reads)
	}
	batch.Reads.Balances = append(batch.Reads.Balances, batch.Reads.Balances...)
	batch.Reads.Balances = append(batch.Reads.Balances, balanceRead(w.user.Addr, 12345))
	c := bindings.NewBooster()
	want, err := bind.Call(c.Instance(w.l1.Client, w.contract), nil, c.PackBatchHash(batch.Settlement()), c.UnpackBatchHash)
	if err != nil {
		t.Fatal(err)
	}
	got, err := batch.Commitment()
	if err != nil {
		t.Fatal(err)
	}
	if got != common.Hash(want) {
		t.Fatalf("Go commitment %s, contract batchHash %x", got, want)
	}
	batch.Writes[0].Value[31] ^= 1
	if changed, _ := batch.Commitment(); changed == got {
		t.Fatal("commitment ignores the write list")
	}
}

// TestBatchesChain checks that each batch names the previous one's
// commitment and that settling them in order works.
func TestBatchesChain(t *testing.T) {
	w := newSettleWorld(t)
	first := w.lastBatch
	second := w.execute(w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement()))
	want, err := first.Commitment()
	if err != nil {
		t.Fatal(err)
	}
	if second.Parent != want || second.Number() != first.Number()+1 {
		t.Fatalf("batch %d parent %s, want batch %d's commitment %s", second.Number(), second.Parent, first.Number(), want)
	}
	w.settle(second)
	third := w.execute(w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement()))
	w.settle(third)
	if got := w.l1.Storage(t, w.counter, common.Hash{}); got != word(2) {
		t.Fatalf("count = %s after two settled increments", got)
	}
}

func balanceRead(addr common.Address, wei uint64) statechanges.BalanceRead {
	var r statechanges.BalanceRead
	r.Account = addr
	r.Balance.SetUint64(wei)
	return r
}

// freeAccount is an L2 account whose transactions pay no fees (the L2 base
// fee is zero), so it needs no balance.
func freeAccount(t testing.TB, name string) *testenv.L2Account {
	a := testenv.NewL2Account(t, name, l2ChainID)
	a.FeeCap = new(big.Int)
	return a
}

// TestRollbackAfterRefusedSettlement: L1 refuses a batch whose read went
// stale; rolling it back restores the L2 state and re-queues its
// transactions, which a batch re-pinned to the new L1 state then settles.
// Nothing is lost: the tally counts the direct vote and every L2 vote.
func TestRollbackAfterRefusedSettlement(t *testing.T) {
	w := newSettleWorld(t)
	box := bindings.NewBallotBox()
	var voters []*testenv.L2Account
	var txs []*types.Transaction
	for i := range 3 {
		voters = append(voters, freeAccount(t, "rollback-voter-"+string(rune('a'+i))))
		txs = append(txs, voters[i].Tx(t, &w.ballot, nil, box.PackVote(big.NewInt(0)), 1_000_000))
	}
	stale := w.execute(txs...)
	// A direct L1 vote changes tally[0], which the batch read.
	if r := w.l1.Send(t, &w.voting, nil, bindings.NewVoting().PackVote(big.NewInt(0))); r.Status != types.ReceiptStatusSuccessful {
		t.Fatal("direct vote failed")
	}
	w.expectRefused(stale, w.prover(), "StaleStorageRead", written(stale))

	ballotSlot := crypto.Keccak256Hash(common.LeftPadBytes(voters[0].Addr[:], 32), make([]byte, 32))
	if got := w.b.Chain().Storage(w.ballot, ballotSlot); got != word(1) {
		t.Fatalf("ballot of voter 0 = %s before rollback, want 1", got)
	}
	if err := w.b.Rollback(stale); err != nil {
		t.Fatal(err)
	}
	if got := w.b.Chain().Storage(w.ballot, ballotSlot); got != (common.Hash{}) {
		t.Fatalf("ballot of voter 0 = %s after rollback, want empty", got)
	}
	if w.b.Pending() != 3 || w.b.Chain().Head().Number.Uint64() != stale.Number()-1 {
		t.Fatalf("after rollback: %d pending, head %d", w.b.Pending(), w.b.Chain().Head().Number)
	}
	if err := w.b.Rollback(stale); !errors.Is(err, booster.ErrNotLastBatch) {
		t.Fatalf("second rollback = %v, want ErrNotLastBatch", err)
	}
	// Re-executed against the new L1 state, the same votes settle.
	again, err := w.b.ExecuteBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again.Number() != stale.Number() || again.Parent != stale.Parent || len(again.Transactions) != 3 {
		t.Fatalf("re-executed batch %d (parent %s, %d txs), want batch %d continuing %s with 3 txs",
			again.Number(), again.Parent, len(again.Transactions), stale.Number(), stale.Parent)
	}
	w.settle(again)
	v := bindings.NewVoting()
	got, err := bind.Call(v.Instance(w.l1.Client, w.voting), nil, v.PackTally(big.NewInt(0)), v.UnpackTally)
	if err != nil {
		t.Fatal(err)
	}
	if got.Int64() != 4 {
		t.Fatalf("tally[0] = %d, want 4 (one direct vote, three L2 votes)", got)
	}
}

// TestRollbackOnlyLastBatch: an older batch cannot be rolled back, and the
// refusal changes nothing.
func TestRollbackOnlyLastBatch(t *testing.T) {
	w := newSettleWorld(t)
	older := w.execute(w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement()))
	w.execute(w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement()))
	head := w.b.Chain().Head()
	for _, b := range []*booster.Batch{older, nil, {}} {
		if err := w.b.Rollback(b); !errors.Is(err, booster.ErrNotLastBatch) {
			t.Fatalf("Rollback = %v, want ErrNotLastBatch", err)
		}
	}
	if w.b.Chain().Head().Hash() != head.Hash() || w.b.Pending() != 0 {
		t.Fatal("a refused rollback changed the chain or the queue")
	}
}

func TestDescribeRevert(t *testing.T) {
	boosterABI, _ := bindings.BoosterMetaData.ParseABI()
	targetABI, _ := bindings.BoosterTargetMetaData.ParseABI()
	encode := func(parsed *abi.ABI, name string, args ...any) []byte {
		e := parsed.Errors[name]
		data, err := e.Inputs.Pack(args...)
		if err != nil {
			t.Fatal(err)
		}
		return append(common.CopyBytes(e.ID[:4]), data...)
	}
	target := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	notBooster := encode(targetABI, "NotBooster", common.HexToAddress("0xbb"))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"booster error", encode(boosterABI, "BatchOutOfOrder", uint64(2), uint64(5)), "BatchOutOfOrder[2 5]"},
		{"target error inside UpdateFailed", encode(boosterABI, "UpdateFailed", target, notBooster), "UpdateFailed(" + target.Hex() + ": NotBooster[0x00000000000000000000000000000000000000bB])"},
		{"unknown reason inside UpdateFailed", encode(boosterABI, "UpdateFailed", target, []byte{1, 2}), "UpdateFailed(" + target.Hex() + ": 0x0102)"},
		{"no reason inside UpdateFailed", encode(boosterABI, "UpdateFailed", target, []byte{}), "UpdateFailed(" + target.Hex() + ": no revert data"},
		{"re-entered", encode(boosterABI, "SettlementReentered"), "SettlementReentered[]"},
		{"unknown selector", []byte{1, 2, 3, 4, 5}, "0x0102030405"},
		{"short", []byte{1}, "0x01"},
		{"bad arguments", encode(boosterABI, "BatchOutOfOrder", uint64(2), uint64(5))[:10], "0x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := booster.DescribeRevert(tt.data); !strings.HasPrefix(strings.ToLower(got), strings.ToLower(tt.want)) {
				t.Fatalf("DescribeRevert = %q, want %q", got, tt.want)
			}
		})
	}
}
