package booster_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

const benchTxs = 10_000

var benchCounter = common.HexToAddress("0xc0c0")

// BenchmarkL1CallOverhead runs 10,000 L2 transactions, each one L1CALL into
// an L1 Counter.increment, through the booster, and the same 10,000 calls
// applied directly to an L1 state by go-ethereum, in the same run. It prints
// both times, their ratio and the peak heap of each side.
func BenchmarkL1CallOverhead(b *testing.B) {
	counter := solidity.MustLoad("Counter")
	increment, _ := counter.ABI.Pack("increment")
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("bench")))
	sender := crypto.PubkeyToAddress(key.PublicKey)
	l1Config := params.AllDevChainProtocolChanges
	header := &types.Header{Number: big.NewInt(1), Time: 1_700_000_000, Difficulty: new(big.Int), BaseFee: new(big.Int), GasLimit: 1 << 40}

	var boosterTime, gethTime time.Duration
	var boosterPeak, gethPeak uint64
	for range b.N {
		b.StopTimer()
		l2Txs := signCalls(b, key, big.NewInt(167_001), precompiles.L1CallAddress, append(benchCounter.Bytes(), increment...))
		l1Txs := signCalls(b, key, l1Config.ChainID, benchCounter, increment)
		b.StartTimer()

		// The booster: submit and execute one batch of 10,000 L1CALLs.
		d, peak := measure(func() {
			src, err := l1.NewAllocSource(l1Config, header, types.GenesisAlloc{benchCounter: {Code: counter.DeployedBytecode}})
			if err != nil {
				b.Fatal(err)
			}
			bst, err := booster.New(src, booster.WithGasLimit(1<<40))
			if err != nil {
				b.Fatal(err)
			}
			for _, tx := range l2Txs {
				if err := bst.Submit(tx); err != nil {
					b.Fatal(err)
				}
			}
			batch, err := bst.ExecuteBatch(context.Background())
			if err != nil || len(batch.Receipts) != benchTxs || batch.Receipts[benchTxs-1].Status != types.ReceiptStatusSuccessful {
				b.Fatalf("booster batch: %v", err)
			}
			if got := batch.Writes[0].Value.Big().Uint64(); got != benchTxs {
				b.Fatalf("counter = %d, want %d", got, benchTxs)
			}
		})
		boosterTime += d
		boosterPeak = max(boosterPeak, peak)

		// The baseline: go-ethereum applies the same calls to L1 state.
		d, peak = measure(func() {
			st, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
			if err != nil {
				b.Fatal(err)
			}
			st.SetCode(benchCounter, counter.DeployedBytecode, tracing.CodeChangeGenesis)
			st.SetBalance(sender, new(uint256.Int), tracing.BalanceChangeUnspecified)
			blockCtx := core.NewEVMBlockContext(header, nil, &common.Address{})
			evm := vm.NewEVM(blockCtx, st, l1Config, vm.Config{})
			gp := core.NewGasPool(header.GasLimit)
			for i, tx := range l1Txs {
				st.SetTxContext(tx.Hash(), i, 0)
				r, _, err := core.ApplyTransaction(context.Background(), evm, gp, st, header, tx)
				if err != nil || r.Status != types.ReceiptStatusSuccessful {
					b.Fatalf("geth tx %d: %v", i, err)
				}
			}
			if got := st.GetState(benchCounter, common.Hash{}).Big().Uint64(); got != benchTxs {
				b.Fatalf("counter = %d, want %d", got, benchTxs)
			}
		})
		gethTime += d
		gethPeak = max(gethPeak, peak)
	}
	n := float64(b.N * benchTxs)
	ratio := float64(boosterTime) / float64(gethTime)
	b.ReportMetric(float64(boosterTime.Nanoseconds())/n, "booster-ns/tx")
	b.ReportMetric(float64(gethTime.Nanoseconds())/n, "geth-ns/tx")
	b.ReportMetric(ratio, "booster/geth")
	b.ReportMetric(float64(boosterPeak)/(1<<20), "booster-peak-MiB")
	b.ReportMetric(float64(gethPeak)/(1<<20), "geth-peak-MiB")
	fmt.Printf("%d L1CALL transactions: booster %.1f µs/tx, go-ethereum direct %.1f µs/tx, ratio %.2fx; peak heap booster %.1f MiB, go-ethereum %.1f MiB\n",
		benchTxs, float64(boosterTime.Microseconds())/n, float64(gethTime.Microseconds())/n, ratio,
		float64(boosterPeak)/(1<<20), float64(gethPeak)/(1<<20))
}

func signCalls(b *testing.B, key *ecdsa.PrivateKey, chainID *big.Int, to common.Address, data []byte) []*types.Transaction {
	b.Helper()
	signer := types.LatestSignerForChainID(chainID)
	txs := make([]*types.Transaction, benchTxs)
	for i := range txs {
		txs[i] = types.MustSignNewTx(key, signer, &types.DynamicFeeTx{ChainID: chainID, Nonce: uint64(i), Gas: 500_000, To: &to, Data: data})
	}
	return txs
}

// measure runs f after a GC and returns its duration and the peak live heap
// seen while it ran, sampled every millisecond.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	f()
	d := time.Since(start)
	close(stop)
	<-done
	return d, peak.Load()
}
