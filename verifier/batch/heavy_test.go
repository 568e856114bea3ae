//go:build heavy

package batch_test

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// statementProver proves a booster batch's statement with a batch.Prover.
type statementProver struct {
	t *testing.T
	p *batch.Prover
}

func (s statementProver) Prove(ctx context.Context, b *booster.Batch) ([]byte, error) {
	h, err := b.Header()
	if err != nil {
		return nil, err
	}
	return s.p.Prove(ctx, h, b.Transactions, func(p batch.Progress) {
		s.t.Logf("proved %s (%d of %d), %s elapsed, about %s left", p.Step, p.Done, p.Total, p.Elapsed.Round(time.Second), p.Left.Round(time.Second))
	})
}

// TestBatchProofSettles makes the keys of the whole pipeline (segments of
// up to 128 bytes of calldata, aggregation of 4 segments, wrap), proves a
// real booster batch of two L1CALLs from two senders, settles it on a
// simulated L1 with mainnet's rules through GnarkBatchVerifier, and checks
// that the same proof does not settle the batch with one write changed,
// nor the next batch. It logs sizes, times and gas. It takes about an
// hour here the first time (keys kept under the key directory's batch
// folder):
//
//	go test -tags heavy -run TestBatchProofSettles -timeout 3h -v ./verifier/batch
func TestBatchProofSettles(t *testing.T) {
	start := time.Now()
	dir := os.Getenv("GO_BOOSTER_KEYS")
	if dir == "" {
		dir = verifier.DefaultKeyDir()
	}
	p, err := batch.NewProver(filepath.Join(dir, "batch"), 128, 4)
	require.NoError(t, err)
	t.Logf("setup of every circuit: %s; constraints %v", time.Since(start).Round(time.Second), p.Constraints())

	var src bytes.Buffer
	require.NoError(t, p.Wrapper().ExportSolidity(&src))
	_, code := testenv.CompileSolidity(t, src.String(), "Verifier")
	chain := boostertest.NewL1(t, boostertest.WithConfig(l1.OsakaConfig()))
	gnark := chain.Send(t, nil, nil, code).ContractAddress
	adapter := chain.Deploy(t, "GnarkBatchVerifier", gnark)
	prover := statementProver{t: t, p: p}
	r := chain.NewRollupVerifiedBy(t, adapter, prover)
	counter := chain.Deploy(t, "BoostedCounter", r.Contract)
	require.NoError(t, r.Booster.SetL1Source(chain.Source(t)))
	r.Account(t, "alice").L1Call(t, counter, "BoostedCounter", "increment")
	r.Account(t, "bob").L1Call(t, counter, "BoostedCounter", "add", big.NewInt(41))

	ctx := context.Background()
	b, err := r.Booster.ExecuteBatch(ctx)
	require.NoError(t, err)
	chain.Backend.Commit()
	start = time.Now()
	proof, err := prover.Prove(ctx, b)
	require.NoError(t, err)
	t.Logf("batch of %d transactions proven in %s", len(b.Transactions), time.Since(start).Round(time.Second))

	// The proof with one write changed: refused, nothing applied.
	forged := b.Settlement()
	forged.Updates[0].Changes[0].Value[31] ^= 1
	rc := chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(forged, proof))
	require.Equal(t, types.ReceiptStatusFailed, rc.Status, "a changed write settles under the proof")
	count := func() int64 { return chain.Call(t, counter, "BoostedCounter", "count")[0].(*big.Int).Int64() }
	require.Zero(t, count())

	rc = chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(b.Settlement(), proof))
	require.Equal(t, types.ReceiptStatusSuccessful, rc.Status)
	t.Logf("settlement through GnarkBatchVerifier: %d gas", rc.GasUsed)
	require.Equal(t, int64(42), count())

	// The same proof for the next batch: refused.
	require.NoError(t, r.Booster.SetL1Source(chain.Source(t)))
	r.Account(t, "alice").L1Call(t, counter, "BoostedCounter", "increment")
	next, err := r.Booster.ExecuteBatch(ctx)
	require.NoError(t, err)
	chain.Backend.Commit()
	rc = chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(next.Settlement(), proof))
	require.Equal(t, types.ReceiptStatusFailed, rc.Status, "a proof of batch 1 settles batch 2")
	require.Equal(t, int64(42), count())
}
