package batch_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// TestBoosterBatchSegments executes and settles a real booster batch (two
// L1CALLs into a booster-aware counter, from two senders) on a simulated
// L1, whose booster contract recomputes the commitment, and checks that
// the batch's header hashes to that commitment and that its segments
// solve the segment circuits.
func TestBoosterBatchSegments(t *testing.T) {
	l1, rollups := boostertest.New(t, 1)
	r := rollups[0]
	counter := l1.Deploy(t, "BoostedCounter", r.Contract)
	require.NoError(t, r.Booster.SetL1Source(l1.Source(t)))
	r.Account(t, "alice").L1Call(t, counter, "BoostedCounter", "increment")
	r.Account(t, "bob").L1Call(t, counter, "BoostedCounter", "add", big.NewInt(41))
	b, _ := r.Settle(t)

	h, err := b.Header()
	require.NoError(t, err)
	c, err := b.Commitment()
	require.NoError(t, err)
	require.Equal(t, c, h.Hash())
	sigs, err := batch.Signatures(b.Transactions)
	require.NoError(t, err)
	require.Equal(t, batch.TransactionsCommitment(sigs), h.Transactions)

	const dataCap = 128
	segs, err := batch.Witnesses(h, b.Transactions, dataCap)
	require.NoError(t, err)
	require.Len(t, segs, 4)
	circuits := batch.Circuits(dataCap)
	for i, s := range segs {
		require.NoError(t, test.IsSolved(circuits[s.Kind], s.Assignment, ecc.BLS12_377.ScalarField()), "segment %d", i)
	}
}
