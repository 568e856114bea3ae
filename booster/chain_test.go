package booster_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// rollup is one booster rollup of a chain: its L1 booster contract, the
// L1 contract it owns, and an L2 user.
type rollup struct {
	contract common.Address // the rollup's Booster on L1
	target   common.Address // BoostedCounter (first rollup) or Mirror (the others)
	b        *booster.Booster
	user     *testenv.L2Account
	last     *booster.Batch
}

// newChain deploys n rollups over the settle world's L1, sharing its
// development verifier: the first is the world's own booster with its
// BoostedCounter, each later one has its own booster contract, chain id
// and a Mirror that copies the count of the rollup before it.
func newChain(t *testing.T, w *settleWorld, n int) []*rollup {
	t.Helper()
	rs := []*rollup{{contract: w.contract, target: w.counter, b: w.b, user: w.user}}
	for i := 1; i < n; i++ {
		chainID := new(big.Int).Add(l2ChainID, big.NewInt(int64(i)))
		contract := w.l1.Deploy(t, "Booster", nil, w.verifier, chainID, genesisRoot(t))
		r := &rollup{contract: contract, target: w.l1.Deploy(t, "Mirror", nil, contract),
			user: testenv.NewL2Account(t, "chained user", chainID)}
		r.user.FeeCap = new(big.Int)
		b, err := booster.New(w.l1.Source(t), booster.WithChainID(chainID), booster.WithL1Contract(contract))
		require.NoError(t, err)
		r.b = b
		rs = append(rs, r)
	}
	w.l1.Backend.Commit()
	w.repin()
	for _, r := range rs[1:] {
		require.NoError(t, r.b.SetL1Source(w.l1.Source(t)))
	}
	return rs
}

// execute runs one batch on each rollup in chain order: the first
// increments the counter on the pinned L1 block, each later one copies
// the count of the one before, pinned to the L1 state the batch before it
// left (Batch.L1State).
func (w *settleWorld) executeChain(rs []*rollup) {
	w.t.Helper()
	for i, r := range rs {
		var tx *types.Transaction
		if i == 0 {
			tx = w.increment()
		} else {
			require.NoError(w.t, r.b.SetL1Source(rs[i-1].last.L1State()))
			tx = r.user.Tx(w.t, &l1Call, nil, input(r.target, pack(w.t, "Mirror", "sync", rs[i-1].target)), 3_000_000)
		}
		require.NoError(w.t, r.b.Submit(tx))
		batch, err := r.b.ExecuteBatch(context.Background())
		require.NoError(w.t, err)
		require.Equal(w.t, types.ReceiptStatusSuccessful, batch.Receipts[0].Status)
		r.last = batch
	}
}

// settleOn sends the rollup's last batch to its booster contract and
// returns Settle's error, or the mined receipt's status.
func (w *settleWorld) settleOn(r *rollup) error {
	w.t.Helper()
	w.l1.Backend.Commit()
	tx, err := booster.Settle(context.Background(), w.l1.Client, w.opts(), r.contract, r.last, w.prover())
	if err != nil {
		return err
	}
	w.l1.Backend.Commit()
	require.Equal(w.t, types.ReceiptStatusSuccessful, w.l1.Receipt(w.t, tx.Hash()).Status)
	return nil
}

func count(t *testing.T, w *settleWorld, at common.Address) uint64 {
	t.Helper()
	return w.call("Mirror", at, "count")[0].(*big.Int).Uint64()
}

// TestChainedRollups: rollups executed one after the other before any
// settles, each reading the L1 state the one before left. A later rollup
// is refused while the earlier one is unsettled, and settles after it.
func TestChainedRollups(t *testing.T) {
	for _, n := range []int{2, 3} {
		t.Run(big.NewInt(int64(n)).String()+" rollups", func(t *testing.T) {
			w := newSettleWorld(t)
			rs := newChain(t, w, n)
			w.executeChain(rs)
			after := rs[0].last.L1State()
			got, err := after.Storage(context.Background(), w.counter, common.Hash{})
			require.NoError(t, err)
			require.Equal(t, word(1), got, "the L1 state the batch left holds its write")
			require.Equal(t, rs[0].last.L1Block.Hash(), after.Header().Hash(), "at the batch's pinned block")
			require.Nil(t, (&booster.Batch{}).L1State())
			for i, r := range rs {
				if i > 0 {
					require.Equal(t, uint64(1), count(t, w, rs[i-1].target), "rollup %d before it settled", i)
				}
				if i+1 < len(rs) {
					// The next rollup read what this one wrote: refused first.
					err := w.settleOn(rs[i+1])
					var re *booster.RevertError
					require.ErrorAs(t, err, &re)
					require.Equal(t, "StaleStorageRead", re.Name)
				}
				require.NoError(t, w.settleOn(r), "rollup %d", i)
			}
			for i, r := range rs {
				require.Equal(t, uint64(1), count(t, w, r.target), "rollup %d's contract", i)
			}
		})
	}
}

// TestChainedRollupRefusedWithTheOneBefore: when L1 refuses the first
// rollup's batch, the chained one is refused too; rolled back and
// executed again on the new L1 state, both settle.
func TestChainedRollupRefusedWithTheOneBefore(t *testing.T) {
	w := newSettleWorld(t)
	rs := newChain(t, w, 2)
	w.executeChain(rs)
	// L1 moves under the first batch: a direct add to the counter.
	require.Equal(t, types.ReceiptStatusSuccessful, w.l1.Send(t, &w.counter, nil, bindings.NewBoostedCounter().PackAdd(big.NewInt(5))).Status)
	for _, r := range []*rollup{rs[1], rs[0]} {
		err := w.settleOn(r)
		var re *booster.RevertError
		require.ErrorAs(t, err, &re)
		require.Equal(t, "StaleStorageRead", re.Name)
	}
	for _, r := range []*rollup{rs[1], rs[0]} { // last first
		require.NoError(t, r.b.Rollback(r.last))
	}
	w.repin()
	// Executing again: the queued transactions are the ones rolled back.
	for i, r := range rs {
		if i > 0 {
			require.NoError(t, r.b.SetL1Source(rs[i-1].last.L1State()))
		}
		batch, err := r.b.ExecuteBatch(context.Background())
		require.NoError(t, err)
		require.Len(t, batch.Transactions, 1)
		r.last = batch
	}
	require.NoError(t, w.settleOn(rs[0]))
	require.NoError(t, w.settleOn(rs[1]))
	require.Equal(t, uint64(6), count(t, w, rs[1].target), "the mirror copies 5 + 1")
}

// TestSettleAll settles a chain of rollups in one L1 transaction through
// ChainSettler: out of order it is refused as a whole, naming the refused
// batch and its error; in order both settle, for less gas than two
// settlements.
func TestSettleAll(t *testing.T) {
	const n = 3
	osaka := func() *settleWorld { return newSettleWorldOn(t, testenv.NewL1Config(t, l1.OsakaConfig())) }
	w := osaka()
	settler := w.l1.Deploy(t, "ChainSettler", nil)
	rs := newChain(t, w, n)
	w.executeChain(rs)
	settlements := func(order ...int) []booster.Settlement {
		var out []booster.Settlement
		for _, i := range order {
			out = append(out, booster.Settlement{Contract: rs[i].contract, Batch: rs[i].last, Prover: w.prover()})
		}
		return out
	}
	w.l1.Backend.Commit()
	ctx := context.Background()
	_, err := booster.SettleAll(ctx, w.l1.Client, w.opts(), settler, settlements(1, 0, 2)...)
	var re *booster.RevertError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "SettlementFailed", re.Name)
	require.Equal(t, int64(0), re.Args[0].(*big.Int).Int64(), "the first call is refused")
	require.NotNil(t, re.Inner)
	require.Equal(t, "StaleStorageRead", re.Inner.Name)
	require.Contains(t, err.Error(), "StaleStorageRead")

	tx, err := booster.SettleAll(ctx, w.l1.Client, w.opts(), settler, settlements(0, 1, 2)...)
	require.NoError(t, err)
	w.l1.Backend.Commit()
	together := w.l1.Receipt(t, tx.Hash())
	require.Equal(t, types.ReceiptStatusSuccessful, together.Status)
	for i, r := range rs {
		require.Equal(t, uint64(1), count(t, w, r.target), "rollup %d", i)
	}

	// The same chain settled one batch at a time, on a fresh L1.
	w2 := osaka()
	rs2 := newChain(t, w2, n)
	w2.executeChain(rs2)
	var separate uint64
	for _, r := range rs2 {
		w2.l1.Backend.Commit()
		tx, err := booster.Settle(ctx, w2.l1.Client, w2.opts(), r.contract, r.last, w2.prover())
		require.NoError(t, err)
		w2.l1.Backend.Commit()
		separate += w2.l1.Receipt(t, tx.Hash()).GasUsed
	}
	t.Logf("%d chained settlements: %d gas in one transaction, %d in %d", n, together.GasUsed, separate, n)
	require.Less(t, together.GasUsed, separate)

	_, err = booster.SettleAll(ctx, w.l1.Client, w.opts(), settler)
	require.ErrorIs(t, err, booster.ErrInvalidBatch)
}

// TestAMMAcrossRollups is the seed's AMM case: swaps on rollup A update a
// pool, rollup B swaps on against the pool as A left it, both settle in
// order, and the pool's reserves on L1 equal, to the wei, those of a pool
// that took the same swaps directly on L1.
func TestAMMAcrossRollups(t *testing.T) {
	w := newSettleWorldOn(t, testenv.NewL1Config(t, l1.OsakaConfig()))
	chainB := new(big.Int).Add(l2ChainID, common.Big1)
	contractB := w.l1.Deploy(t, "Booster", nil, w.verifier, chainB, genesisRoot(t))
	userB := testenv.NewL2Account(t, "amm user b", chainB)
	userB.FeeCap = new(big.Int)
	grant := big.NewInt(100_000)
	shared := w.l1.Deploy(t, "SharedPool", nil, []common.Address{w.contract, contractB}, big.NewInt(1_000_000), big.NewInt(2_000_000),
		[]common.Address{w.user.Addr, userB.Addr}, grant)
	direct := w.l1.Deploy(t, "SharedPool", nil, []common.Address{w.contract}, big.NewInt(1_000_000), big.NewInt(2_000_000),
		[]common.Address{w.l1.From}, grant)
	w.repin()
	bB, err := booster.New(w.l1.Source(t), booster.WithChainID(chainB), booster.WithL1Contract(contractB))
	require.NoError(t, err)

	pool := bindings.NewSharedPool()
	swaps := []struct {
		zeroForOne bool
		amount     int64
	}{{true, 10_000}, {false, 5_000}, {true, 3_000}, {false, 7_000}}
	var txsA []*types.Transaction
	for _, s := range swaps[:2] {
		txsA = append(txsA, w.l1CallTx(shared, pool.PackSwap(s.zeroForOne, big.NewInt(s.amount), big.NewInt(1))))
	}
	a := &rollup{contract: w.contract, b: w.b, last: w.execute(txsA...)}
	require.NoError(t, bB.SetL1Source(a.last.L1State()))
	for _, s := range swaps[2:] {
		require.NoError(t, bB.Submit(userB.Tx(t, &l1Call, nil, input(shared, pool.PackSwap(s.zeroForOne, big.NewInt(s.amount), big.NewInt(1))), 3_000_000)))
	}
	batchB, err := bB.ExecuteBatch(context.Background())
	require.NoError(t, err)
	for _, r := range batchB.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	}
	b := &rollup{contract: contractB, b: bB, last: batchB}
	require.NoError(t, w.settleOn(a))
	require.NoError(t, w.settleOn(b))

	for _, s := range swaps {
		r := w.l1.Send(t, &direct, nil, pool.PackSwap(s.zeroForOne, big.NewInt(s.amount), big.NewInt(1)))
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	}
	for _, reserve := range []string{"reserve0", "reserve1"} {
		got := w.call("SharedPool", shared, reserve)[0].(*big.Int)
		want := w.call("SharedPool", direct, reserve)[0].(*big.Int)
		require.Equal(t, want.String(), got.String(), reserve)
	}
	// Who may write: the two boosters, nobody else.
	for _, c := range []struct {
		account common.Address
		want    bool
	}{{w.contract, true}, {contractB, true}, {w.l1.From, false}, {common.Address{}, false}} {
		require.Equal(t, c.want, w.call("SharedPool", shared, "isBooster", c.account)[0], "isBooster(%s)", c.account)
	}
	r := w.l1.Send(t, &shared, nil, pool.PackApplyStateUpdates([]bindings.StateChange{{Slot: common.Hash{}, Value: word(1)}}))
	require.Equal(t, types.ReceiptStatusFailed, r.Status, "applyStateUpdates from an EOA")
	// A pool must name one to four boosters, none of them zero.
	five := []common.Address{{1}, {2}, {3}, {4}, {5}}
	for _, boosters := range [][]common.Address{nil, five, {w.contract, {}}} {
		ctor, err := solidity.MustLoad("SharedPool").ABI.Pack("", boosters, big.NewInt(1), big.NewInt(1), []common.Address{}, big.NewInt(0))
		require.NoError(t, err)
		r := w.l1.Send(t, nil, nil, append(common.CopyBytes(solidity.MustLoad("SharedPool").Bytecode), ctor...))
		require.Equal(t, types.ReceiptStatusFailed, r.Status, "deployed with boosters %v", boosters)
	}
}
