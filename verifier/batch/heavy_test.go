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

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// TestBatchProofSettles makes the keys of the whole pipeline (segments of
// up to 128 bytes of calldata and frames of the ERC20 shape, aggregation
// of 8 segments, wrap), proves a real booster batch (the voting example's
// vote: BallotBox.vote on L2, whose L1CALL records it in Voting on L1),
// settles it on a simulated L1 with mainnet's rules through
// GnarkBatchVerifier, and checks that the same proof does not settle the
// batch with its write changed, nor the next batch. It logs sizes, times
// and gas. It takes over an hour here the first time (keys kept under the
// key directory's batch folder):
//
//	go test -tags heavy -run TestBatchProofSettles -timeout 3h -v ./verifier/batch
func TestBatchProofSettles(t *testing.T) {
	start := time.Now()
	dir := os.Getenv("GO_BOOSTER_KEYS")
	if dir == "" {
		dir = verifier.DefaultKeyDir()
	}
	p, err := batch.NewProver(filepath.Join(dir, "batch"), batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]}, 8)
	require.NoError(t, err)
	t.Logf("setup of every circuit: %s; constraints %v", time.Since(start).Round(time.Second), p.Constraints())

	var src bytes.Buffer
	require.NoError(t, p.Wrapper().ExportSolidity(&src))
	_, code := testenv.CompileSolidity(t, src.String(), "Verifier")
	chain := boostertest.NewL1(t, boostertest.WithConfig(l1.OsakaConfig()))
	gnark := chain.Send(t, nil, nil, code).ContractAddress
	adapter := chain.Deploy(t, "GnarkBatchVerifier", gnark)

	// The ballot box is in the L2 genesis (the frame segments do not
	// prove contract creation yet), with the address of the Voting
	// contract deployed right after the rollup's Booster.
	nonce, err := chain.Client.PendingNonceAt(context.Background(), chain.From)
	require.NoError(t, err)
	voting := crypto.CreateAddress(chain.From, nonce+1)
	ballot := common.HexToAddress("0xba11")
	box := solidity.MustLoad("BallotBox")
	args, err := box.ABI.Pack("", voting)
	require.NoError(t, err)
	ballotCode, _, _, err := runtime.Create(append(common.CopyBytes(box.Bytecode), args...), &runtime.Config{})
	require.NoError(t, err)

	prover, opts := booster.NewProver(p, func(p batch.Progress) {
		t.Logf("proved %s (%d of %d), %s elapsed, about %s left", p.Step, p.Done, p.Total, p.Elapsed.Round(time.Second), p.Left.Round(time.Second))
	})
	r := chain.NewRollupVerifiedBy(t, adapter, prover, append(opts, booster.WithGenesis(types.GenesisAlloc{ballot: {Code: ballotCode}}))...)
	require.Equal(t, voting, chain.Deploy(t, "Voting", r.Contract, boostertest.L1Sender(ballot), big.NewInt(3)))
	require.NoError(t, r.Booster.SetL1Source(chain.Source(t)))
	r.Account(t, "alice").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))

	ctx := context.Background()
	b, err := r.Booster.ExecuteBatch(ctx)
	require.NoError(t, err)
	chain.Backend.Commit()
	start = time.Now()
	proof, err := prover.Prove(ctx, b)
	require.NoError(t, err)
	t.Logf("batch of %d transactions proven in %s", len(b.Transactions), time.Since(start).Round(time.Second))

	// The proof with its write changed: refused, nothing applied.
	votes := func() int64 { return chain.Call(t, voting, "Voting", "tally", big.NewInt(2))[0].(*big.Int).Int64() }
	forged := b.Settlement()
	forged.Updates[0].Changes[0].Value[31] ^= 1
	rc := chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(forged, proof))
	require.Equal(t, types.ReceiptStatusFailed, rc.Status, "a changed write settles under the proof")
	require.Zero(t, votes())

	rc = chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(b.Settlement(), proof))
	require.Equal(t, types.ReceiptStatusSuccessful, rc.Status)
	t.Logf("settlement through GnarkBatchVerifier: %d gas", rc.GasUsed)
	require.Equal(t, int64(1), votes())

	// The same proof for the next batch: refused.
	require.NoError(t, r.Booster.SetL1Source(chain.Source(t)))
	r.Account(t, "bob").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	next, err := r.Booster.ExecuteBatch(ctx)
	require.NoError(t, err)
	chain.Backend.Commit()
	rc = chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(next.Settlement(), proof))
	require.Equal(t, types.ReceiptStatusFailed, rc.Status, "a proof of batch 1 settles batch 2")
	require.Equal(t, int64(1), votes())
}
