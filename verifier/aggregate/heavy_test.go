//go:build heavy

package aggregate_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier/aggregate"
)

// TestWrapOnL1 runs the whole 2-chain: two toy segment proofs on
// BLS12-377, their aggregation on BW6-761, the BN254 wrap, and gnark's
// exported verifier of the wrap behind GnarkBatchVerifier on a simulated
// L1 with mainnet's rules; the proof verifies for its batch and for no
// other. It logs sizes, times, peak heap and gas. The wrap's setup takes
// tens of minutes and about 10 GiB here: run it with
//
//	go test -tags heavy -run TestWrapOnL1 -timeout 2h -v ./verifier/aggregate
func TestWrapOnL1(t *testing.T) {
	var peak runtime.MemStats
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.HeapAlloc {
					peak = m
				}
			}
		}
	}()
	step := func(name string, start time.Time) { t.Logf("%s: %s", name, time.Since(start).Round(time.Millisecond)) }

	start := time.Now()
	agg, err := aggregate.NewAggregator("", 2, aggregate.ToyKind(t))
	require.NoError(t, err)
	step("aggregation setup", start)
	run := aggregate.ToyRun(t, aggregate.BatchA, 2)
	start = time.Now()
	aggProof, err := agg.Prove(aggregate.BatchA, run)
	require.NoError(t, err)
	step("aggregation proof", start)

	start = time.Now()
	wrap, err := aggregate.NewWrapper("", agg)
	require.NoError(t, err)
	step("wrap compile and setup", start)
	t.Logf("constraints: aggregation (arity 2, BW6-761) %d, wrap (BN254) %d", agg.NbConstraints(), wrap.NbConstraints())
	start = time.Now()
	proof, err := wrap.Prove(aggregate.BatchA, aggProof)
	require.NoError(t, err)
	step("wrap proof", start)
	require.NoError(t, wrap.Verify(aggregate.BatchA, proof))
	require.Error(t, wrap.Verify(aggregate.BatchB, proof))
	t.Logf("peak Go heap %.1f GiB", float64(peak.HeapAlloc)/(1<<30))

	var src bytes.Buffer
	require.NoError(t, wrap.ExportSolidity(&src))
	_, code := testenv.CompileSolidity(t, src.String(), "Verifier")
	chain := boostertest.NewL1(t, boostertest.WithConfig(l1.OsakaConfig()))
	gnark := chain.Send(t, nil, nil, code).ContractAddress
	adapter := chain.Deploy(t, "GnarkBatchVerifier", gnark)
	raw, err := aggregate.SolidityProof(proof)
	require.NoError(t, err)
	v := bindings.NewGnarkBatchVerifier()
	verify := func(batch [32]byte) bool {
		out, err := chain.Client.CallContract(context.Background(), ethereum.CallMsg{To: &adapter, Data: v.PackVerifyBatch(batch, raw)}, nil)
		require.NoError(t, err)
		ok, err := v.UnpackVerifyBatch(out)
		require.NoError(t, err)
		return ok
	}
	require.True(t, verify(aggregate.BatchA))
	require.False(t, verify(aggregate.BatchB))
	gas, err := chain.Client.EstimateGas(context.Background(), ethereum.CallMsg{To: &adapter, Data: v.PackVerifyBatch(aggregate.BatchA, raw)})
	require.NoError(t, err)
	t.Logf("GnarkBatchVerifier.verifyBatch of the wrap proof: %d gas with the 21,000 of a transaction and its calldata", gas)
}
