package booster_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

const chainSwaps = 300

// swapArgs is swap i of the benchmark: alternating directions, amounts
// that keep every trader solvent.
func swapArgs(i int) (bool, *big.Int, *big.Int) {
	return i%2 == 0, big.NewInt(int64(1_000 + 7*i)), big.NewInt(1)
}

// chainRun is one chain of k rollups over a fresh simulated L1 (mainnet's
// rules) sharing one SharedPool, the 300 swaps split between them in
// order, each rollup pinned to the L1 state the one before left.
type chainRun struct {
	l1      *boostertest.L1
	rollups []*boostertest.Rollup
	batches []*booster.Batch
	pool    common.Address
	exec    time.Duration // L2 execution of all batches
}

func newChainRun(b *testing.B, k int) *chainRun {
	b.Helper()
	c := &chainRun{l1: boostertest.NewL1(b)}
	var contracts, traders []common.Address
	accounts := make([]*boostertest.Account, k)
	for i := range k {
		r := c.l1.NewRollup(b)
		c.rollups = append(c.rollups, r)
		accounts[i] = r.Account(b, fmt.Sprintf("trader %d", i))
		contracts = append(contracts, r.Contract)
		traders = append(traders, accounts[i].Address)
	}
	c.pool = c.l1.Deploy(b, "SharedPool", contracts, big.NewInt(1e9), big.NewInt(2e9), traders, big.NewInt(1e8))
	for _, r := range c.rollups {
		if err := r.Booster.SetL1Source(c.l1.Source(b)); err != nil {
			b.Fatal(err)
		}
	}
	per := chainSwaps / k
	for i, r := range c.rollups {
		for s := i * per; s < (i+1)*per; s++ {
			dir, in, minOut := swapArgs(s)
			accounts[i].L1Call(b, c.pool, "SharedPool", "swap", dir, in, minOut)
		}
		if i > 0 {
			if err := r.Booster.SetL1Source(c.batches[i-1].L1State()); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		batch, err := r.Booster.ExecuteBatch(context.Background())
		c.exec += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		for _, rc := range batch.Receipts {
			if rc.Status != types.ReceiptStatusSuccessful {
				b.Fatalf("swap failed on rollup %d: %v", i, rc.Err)
			}
		}
		c.batches = append(c.batches, batch)
	}
	c.l1.Backend.Commit()
	return c
}

func (c *chainRun) opts() *bind.TransactOpts {
	return bind.NewKeyedTransactor(c.l1.Key, c.l1.Config.ChainID)
}

// settleSeparately settles the batches one L1 transaction each, in order,
// and returns the gas they used.
func (c *chainRun) settleSeparately(b *testing.B) uint64 {
	b.Helper()
	var gas uint64
	for i, r := range c.rollups {
		tx, err := booster.Settle(context.Background(), c.l1.Client, c.opts(), r.Contract, c.batches[i], r.Prover)
		if err != nil {
			b.Fatal(err)
		}
		c.l1.Backend.Commit()
		gas += c.mined(b, tx)
	}
	return gas
}

// settleTogether settles the chain in one transaction through ChainSettler.
func (c *chainRun) settleTogether(b *testing.B) uint64 {
	b.Helper()
	settler := c.l1.Deploy(b, "ChainSettler")
	var all []booster.Settlement
	for i, r := range c.rollups {
		all = append(all, booster.Settlement{Contract: r.Contract, Batch: c.batches[i], Prover: r.Prover})
	}
	tx, err := booster.SettleAll(context.Background(), c.l1.Client, c.opts(), settler, all...)
	if err != nil {
		b.Fatal(err)
	}
	c.l1.Backend.Commit()
	return c.mined(b, tx)
}

func (c *chainRun) mined(b *testing.B, tx *types.Transaction) uint64 {
	b.Helper()
	r := c.l1.Receipt(b, tx.Hash())
	if r.Status != types.ReceiptStatusSuccessful {
		b.Fatal("settlement reverted")
	}
	return r.GasUsed
}

func (c *chainRun) reserves(b *testing.B, pool common.Address) string {
	b.Helper()
	return fmt.Sprint(c.l1.Call(b, pool, "SharedPool", "reserve0")[0], c.l1.Call(b, pool, "SharedPool", "reserve1")[0])
}

// BenchmarkChainedSwaps runs the same 300 swaps on one shared pool split
// between chains of 1, 2 and 3 rollups, settled one transaction per rollup
// and in one transaction (ChainSettler), against the 300 swaps sent
// directly on L1, in the same run, on L1s with mainnet's gas rules. It
// checks the settled reserves equal the direct ones and prints L1 gas and
// L2 execution time.
//
//	go test -run XXX -bench ChainedSwaps -benchtime 1x ./booster
func BenchmarkChainedSwaps(b *testing.B) {
	for range b.N {
		// Directly on L1: one transaction per swap.
		direct := boostertest.NewL1(b)
		rollup := direct.NewRollup(b) // the pool needs a booster to name
		pool := direct.Deploy(b, "SharedPool", []common.Address{rollup.Contract}, big.NewInt(1e9), big.NewInt(2e9), []common.Address{direct.From}, big.NewInt(1e8))
		var directGas uint64
		start := time.Now()
		for s := range chainSwaps {
			dir, in, minOut := swapArgs(s)
			data, err := bindings.NewSharedPool().TryPackSwap(dir, in, minOut)
			if err != nil {
				b.Fatal(err)
			}
			r := direct.Send(b, &pool, nil, data)
			if r.Status != types.ReceiptStatusSuccessful {
				b.Fatal("direct swap failed")
			}
			directGas += r.GasUsed
		}
		directTime := time.Since(start)
		want := fmt.Sprint(direct.Call(b, pool, "SharedPool", "reserve0")[0], direct.Call(b, pool, "SharedPool", "reserve1")[0])
		b.Logf("300 swaps directly on L1: %d gas (%d a swap), %s with the simulated backend mining each", directGas, directGas/chainSwaps, directTime.Round(time.Millisecond))
		b.Logf("| rollups | L2 execution | settlements: separate | one transaction | per swap (one transaction) | cheaper than direct |")
		b.Logf("|---:|---:|---:|---:|---:|---:|")
		for k := 1; k <= 3; k++ {
			sep := newChainRun(b, k)
			separate := sep.settleSeparately(b)
			if got := sep.reserves(b, sep.pool); got != want {
				b.Fatalf("%d rollups settled separately: reserves %s, direct %s", k, got, want)
			}
			tog := newChainRun(b, k)
			together := tog.settleTogether(b)
			if got := tog.reserves(b, tog.pool); got != want {
				b.Fatalf("%d rollups settled together: reserves %s, direct %s", k, got, want)
			}
			b.Logf("| %d | %s | %d | %d | %d | %.1f× |", k, sep.exec.Round(time.Millisecond), separate, together,
				together/chainSwaps, float64(directGas)/float64(together))
			b.ReportMetric(float64(together), fmt.Sprintf("gas-%d-rollups", k))
		}
		b.ReportMetric(float64(directGas), "gas-direct")
	}
}
