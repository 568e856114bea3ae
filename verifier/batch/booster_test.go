package batch_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// TestBoosterVoteBatchSegments executes and settles a real booster batch
// (the voting example's vote: BallotBox.vote on L2, its L1CALL into
// Voting.recordVote) on a simulated L1, whose booster contract recomputes
// the commitment, records the vote as the booster ran it, and checks that
// the batch's header hashes to that commitment and that its segments,
// the vote's L2 frame among them, solve the segment circuits.
func TestBoosterVoteBatchSegments(t *testing.T) {
	if testing.Short() {
		t.Skip("solves an EVM frame of the ERC20 shape")
	}
	rec := verifier.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()))
	deployer := rollup.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1.Deploy(t, "Voting", rollup.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	deployer.Deploy(t, "BallotBox", voting)
	rollup.Settle(t)

	*rec = *verifier.NewTxRecorder()
	rollup.Account(t, "alice").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	b, _ := rollup.Settle(t)
	tx, err := rec.Transaction()
	require.NoError(t, err)

	h, err := b.Header()
	require.NoError(t, err)
	c, err := b.Commitment()
	require.NoError(t, err)
	require.Equal(t, c, h.Hash())
	sigs, err := batch.Signatures(b.Transactions)
	require.NoError(t, err)
	require.Equal(t, batch.TransactionsCommitment(sigs), h.Transactions)

	capacity := batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]}
	segs, err := batch.Witnesses(h, b.Transactions, []*verifier.Trace{tx.Frames[0].Trace}, capacity)
	require.NoError(t, err)
	require.Len(t, segs, 4)
	require.Equal(t, batch.KindFrame, segs[2].Kind)
	circuits, err := batch.Circuits(capacity)
	require.NoError(t, err)
	for i, s := range segs {
		require.NoError(t, test.IsSolved(circuits[s.Kind], s.Assignment, ecc.BLS12_377.ScalarField()), "segment %d", i)
	}
}
