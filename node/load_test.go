package node_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/node"
)

// loadResult is what one load run measured.
type loadResult struct {
	txs                int
	accepted, executed time.Duration // from the first send to the last accept / receipt
	latencies          []time.Duration
	heapMiB            float64
}

func (r loadResult) acceptedTPS() float64 { return float64(r.txs) / r.accepted.Seconds() }
func (r loadResult) executedTPS() float64 { return float64(r.txs) / r.executed.Seconds() }
func (r loadResult) percentile(p float64) time.Duration {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}

// runLoad starts a node, has clients senders send perClient value
// transfers each (through JSON-RPC when viaRPC, else through the node's
// Go API), waits for every receipt and checks every transaction is in
// exactly one block.
func runLoad(t testing.TB, clients, perClient int, viaRPC bool) loadResult {
	t.Helper()
	senders := make([]*user, clients)
	genesis := types.GenesisAlloc{}
	for i := range senders {
		senders[i] = newUser(t, fmt.Sprintf("load %d", i))
		genesis[senders[i].addr] = types.Account{Balance: big.NewInt(params.Ether)}
	}
	n, err := node.New(context.Background(), node.Config{
		ChainID: l2ChainID, Genesis: genesis, ListenAddr: "127.0.0.1:0",
		BatchInterval: 20 * time.Millisecond, BatchMaxTxs: 200, L1Period: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, n.Start())
	defer n.Close()
	txs := make([][]*types.Transaction, clients)
	for i, s := range senders {
		for range perClient {
			to := common.Address{byte(i), 0x10}
			txs[i] = append(txs[i], s.tx(&to, big.NewInt(1), nil, 21_000))
		}
	}
	var (
		mu           sync.Mutex
		latencies    []time.Duration
		lastAccepted time.Time
		wg           sync.WaitGroup
	)
	start := time.Now()
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ec *ethclient.Client
			if viaRPC {
				c, err := rpc.Dial("http://" + n.Addr())
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				ec = ethclient.NewClient(c)
			}
			sent := make([]time.Time, len(txs[i]))
			for j, tx := range txs[i] {
				sent[j] = time.Now()
				var err error
				if viaRPC {
					err = ec.SendTransaction(context.Background(), tx)
				} else {
					err = n.SendTransaction(tx)
				}
				if err != nil {
					t.Errorf("send: %v", err)
					return
				}
			}
			mu.Lock()
			if now := time.Now(); now.After(lastAccepted) {
				lastAccepted = now
			}
			mu.Unlock()
			for j, tx := range txs[i] {
				for {
					var found bool
					if viaRPC {
						r, err := ec.TransactionReceipt(context.Background(), tx.Hash())
						found = err == nil && r != nil
					} else {
						r, _ := n.Receipt(tx.Hash())
						found = r != nil
					}
					if found {
						break
					}
					time.Sleep(2 * time.Millisecond)
				}
				mu.Lock()
				latencies = append(latencies, time.Since(sent[j]))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	executed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	// Nothing lost: every transaction in exactly one block.
	require.NoError(t, n.Close()) // the chain is read after the last batch
	seen := map[common.Hash]int{}
	chain := n.Booster().Chain()
	for b := uint64(1); b <= chain.Head().Number.Uint64(); b++ {
		for _, tx := range chain.BlockByNumber(b).Transactions() {
			seen[tx.Hash()]++
		}
	}
	for _, list := range txs {
		for _, tx := range list {
			require.Equal(t, 1, seen[tx.Hash()], "transaction %s in one block", tx.Hash())
		}
	}
	return loadResult{
		txs: clients * perClient, accepted: lastAccepted.Sub(start), executed: executed,
		latencies: latencies, heapMiB: float64(ms.HeapAlloc) / (1 << 20),
	}
}

func TestLoadLosesNothing(t *testing.T) {
	r := runLoad(t, 4, 10, true)
	require.Len(t, r.latencies, 40)
}

// BenchmarkNodeLoad sends K×M signed transfers from K concurrent clients
// through eth_sendRawTransaction and waits for their receipts, then the
// same through the node's Go API (SendTransaction, receipts from the
// chain) in the same run as the baseline. It prints transactions per
// second accepted and executed, p50/p99 latency to receipt and the heap
// of the process (node and clients together).
//
//	go test ./node -run '^$' -bench NodeLoad -benchtime 1x
func BenchmarkNodeLoad(b *testing.B) {
	const clients, perClient = 8, 50
	for range b.N {
		rpcRun := runLoad(b, clients, perClient, true)
		goRun := runLoad(b, clients, perClient, false)
		for _, r := range []struct {
			name string
			res  loadResult
		}{{"json-rpc", rpcRun}, {"go-api", goRun}} {
			b.Logf("%-8s %d txs from %d clients: %.0f tx/s accepted, %.0f tx/s executed, receipt latency p50 %s p99 %s, heap %.0f MiB",
				r.name, r.res.txs, clients, r.res.acceptedTPS(), r.res.executedTPS(),
				r.res.percentile(0.5).Round(time.Millisecond), r.res.percentile(0.99).Round(time.Millisecond), r.res.heapMiB)
		}
		b.ReportMetric(rpcRun.acceptedTPS(), "rpc-accepted-tx/s")
		b.ReportMetric(rpcRun.executedTPS(), "rpc-executed-tx/s")
		b.ReportMetric(float64(rpcRun.percentile(0.5).Milliseconds()), "rpc-p50-ms")
		b.ReportMetric(float64(rpcRun.percentile(0.99).Milliseconds()), "rpc-p99-ms")
		b.ReportMetric(rpcRun.executedTPS()/goRun.executedTPS(), "rpc/go-executed")
		b.ReportMetric(rpcRun.acceptedTPS()/goRun.acceptedTPS(), "rpc/go-accepted")
	}
}
