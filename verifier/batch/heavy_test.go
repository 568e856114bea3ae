//go:build heavy

package batch_test

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/statechanges"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// TestBatchProofSettles makes the keys of the whole pipeline (segments of
// up to 128 bytes of calldata and frames of the ERC20 shape, aggregation
// of 8 segments, wrap), proves a real booster batch (the voting example's
// vote: BallotBox.vote on L2, whose L1CALL records it in Voting on L1),
// settles it on a simulated L1 with mainnet's rules through
// GnarkBatchVerifier, and checks that the same proof does not settle the
// batch with a write changed, a read dropped, added or its value
// changed, the transaction dropped, another L2 state root or parent, nor
// on another rollup; then
// proves and settles two more batches, each continuing the last, the
// proof of the one before refused for each. It logs sizes, times
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

	// Each attack presents the proof with one thing changed: reverted,
	// nothing applied, the booster contract still at batch 0.
	votes := func() int64 { return chain.Call(t, voting, "Voting", "tally", big.NewInt(2))[0].(*big.Int).Int64() }
	settled := func(contract common.Address) uint64 {
		return chain.Call(t, contract, "Booster", "lastBatchNumber")[0].(uint64)
	}
	other := chain.Deploy(t, "Booster", adapter, new(big.Int).Add(r.ChainID, common.Big1), b.ParentL2StateRoot)
	forge := func(f func(*booster.Batch)) *booster.Batch { c := *b; f(&c); return &c }
	attacks := []struct {
		name, want string
		contract   common.Address
		batch      *booster.Batch
	}{
		{"a write changed", "InvalidProof", r.Contract, forge(func(c *booster.Batch) {
			c.Writes = slices.Clone(c.Writes)
			c.Writes[0].Value[31] ^= 1
		})},
		{"a read dropped", "InvalidProof", r.Contract, forge(func(c *booster.Batch) {
			rs := *c.Reads
			rs.Storage = rs.Storage[1:]
			c.Reads = &rs
		})},
		{"a read value changed", "StaleStorageRead", r.Contract, forge(func(c *booster.Batch) {
			rs := *c.Reads
			rs.Storage = slices.Clone(rs.Storage)
			rs.Storage[0].Value[31] ^= 1
			c.Reads = &rs
		})},
		{"a read added, with its live value", "InvalidProof", r.Contract, forge(func(c *booster.Batch) {
			rs := *c.Reads
			slot := common.BigToHash(big.NewInt(1))
			rs.Storage = append(slices.Clone(rs.Storage), statechanges.StorageRead{Contract: voting, Slot: slot, Value: chain.Storage(t, voting, slot)})
			slices.SortFunc(rs.Storage, func(x, y statechanges.StorageRead) int {
				if c := x.Contract.Cmp(y.Contract); c != 0 {
					return c
				}
				return x.Slot.Cmp(y.Slot)
			})
			c.Reads = &rs
		})},
		{"the transaction dropped", "InvalidProof", r.Contract, forge(func(c *booster.Batch) { c.Transactions, c.Receipts = nil, nil })},
		{"another L2 state root", "InvalidProof", r.Contract, forge(func(c *booster.Batch) { c.L2StateRoot[0] ^= 1 })},
		{"another parent", "BatchParentMismatch", r.Contract, forge(func(c *booster.Batch) { c.Parent[0] ^= 1 })},
		{"another rollup (its chain id and contract)", "InvalidProof", other, b},
	}
	for _, a := range attacks {
		data := bindings.NewBooster().PackSettle(a.batch.Settlement(), proof)
		require.Equal(t, a.want, revertName(t, chain, a.contract, data), a.name)
		rc := chain.Send(t, &a.contract, nil, data)
		require.Equal(t, types.ReceiptStatusFailed, rc.Status, a.name)
		require.Zero(t, votes(), a.name)
		require.Zero(t, settled(a.contract), a.name)
	}

	rc := chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(b.Settlement(), proof))
	require.Equal(t, types.ReceiptStatusSuccessful, rc.Status)
	t.Logf("settlement through GnarkBatchVerifier: %d gas", rc.GasUsed)
	require.Equal(t, int64(1), votes())

	// Two more batches, each continuing the last; the proof of the one
	// before is refused for each.
	for i, name := range []string{"bob", "carol"} {
		require.NoError(t, r.Booster.SetL1Source(chain.Source(t)))
		r.Account(t, name).Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
		next, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		chain.Backend.Commit()
		require.Equal(t, "InvalidProof", revertName(t, chain, r.Contract, bindings.NewBooster().PackSettle(next.Settlement(), proof)),
			"the proof of batch %d settles batch %d", i+1, i+2)
		start = time.Now()
		proof, err = prover.Prove(ctx, next)
		require.NoError(t, err)
		t.Logf("batch %d proven in %s", i+2, time.Since(start).Round(time.Second))
		rc = chain.Send(t, &r.Contract, nil, bindings.NewBooster().PackSettle(next.Settlement(), proof))
		require.Equal(t, types.ReceiptStatusSuccessful, rc.Status)
		require.Equal(t, int64(i+2), votes())
		require.Equal(t, uint64(i+2), settled(r.Contract))
	}
}

// revertName is the name of the Booster error a call of data on
// contract reverts with.
func revertName(t *testing.T, chain *boostertest.L1, contract common.Address, data []byte) string {
	t.Helper()
	_, err := chain.Client.CallContract(context.Background(), ethereum.CallMsg{From: chain.From, To: &contract, Data: data, Gas: 10_000_000}, nil)
	var de rpc.DataError
	require.ErrorAs(t, err, &de, "the call did not revert")
	hexData, ok := de.ErrorData().(string)
	require.True(t, ok, "revert data %v", de.ErrorData())
	ret := common.FromHex(hexData)
	require.GreaterOrEqual(t, len(ret), 4)
	for name, e := range solidity.MustLoad("Booster").ABI.Errors {
		if [4]byte(e.ID[:4]) == [4]byte(ret[:4]) {
			return name
		}
	}
	t.Fatalf("revert data %x is no Booster error", ret)
	return ""
}
