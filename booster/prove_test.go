package booster_test

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// witnessProver is a StatementProver that builds the batch's segment
// witnesses (batch.Witnesses checks the statement: header, lists, L2
// state, signatures and every frame against its transaction) instead of
// proving them, and records how many segments each batch had.
type witnessProver struct {
	mu       sync.Mutex
	segments []int
}

func (w *witnessProver) Prove(ctx context.Context, h *batch.Header, l1 *batch.L1Lists, l2 *statetree.Tree, txs []*types.Transaction,
	execs []*trace.Transaction, progress func(batch.Progress)) ([]byte, error) {
	segs, err := batch.Witnesses(h, l1, l2, txs, execs, batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]})
	if err != nil {
		return nil, err
	}
	progress(batch.Progress{Step: "witnesses", Done: 1, Total: 1})
	w.mu.Lock()
	defer w.mu.Unlock()
	w.segments = append(w.segments, len(segs))
	return []byte{1}, nil
}

// thenDev proves with the prover under test, then settles with the
// development prover (the test's L1 checks the development key).
type thenDev struct{ checked, dev booster.Prover }

func (p thenDev) Prove(ctx context.Context, b *booster.Batch) ([]byte, error) {
	if _, err := p.checked.Prove(ctx, b); err != nil {
		return nil, err
	}
	return p.dev.Prove(ctx, b)
}

// TestNewProver checks the booster's statement prover on the voting
// example: each batch it is asked for gets a statement that
// batch.Witnesses accepts (so the executions it hands on are the batch's
// own, L1 frames included), batch after batch, also when the next batch
// is executed before the last is proven; progress reaches the callback;
// a batch whose executions it did not see is refused with
// ErrNoExecution.
func TestNewProver(t *testing.T) {
	w := &witnessProver{}
	var steps []string
	prover, opts := booster.NewProver(w, func(p batch.Progress) { steps = append(steps, p.Step) })
	l1 := boostertest.NewL1(t)
	r := l1.NewRollupVerifiedBy(t, l1.Verifier, thenDev{prover, booster.NewDevProver(l1.DevKey, l1.Config.ChainID, l1.Verifier)}, opts...)
	deployer := r.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1.Deploy(t, "Voting", r.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	deployer.Deploy(t, "BallotBox", voting)
	// Contract creation is not proven yet: the deployment settles with
	// the development prover alone.
	dev := r.Prover
	r.Prover = booster.NewDevProver(l1.DevKey, l1.Config.ChainID, l1.Verifier)
	r.Settle(t)
	r.Prover = dev
	tally := func(choice int64) int64 {
		return l1.Call(t, voting, "Voting", "tally", big.NewInt(choice))[0].(*big.Int).Int64()
	}

	alice, bob, carol := r.Account(t, "alice"), r.Account(t, "bob"), r.Account(t, "carol")
	alice.Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	bob.Transact(t, ballot, "BallotBox", "vote", big.NewInt(1))
	r.Settle(t)
	carol.Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	r.Settle(t)
	// Header, the codes of Voting and BallotBox, the pinned L1 block,
	// three segments a vote, the end.
	require.Equal(t, []int{1 + 2 + 1 + 2*3 + 1, 1 + 2 + 1 + 3 + 1}, w.segments)
	require.Equal(t, []string{"witnesses", "witnesses"}, steps)
	require.Equal(t, int64(2), tally(2))
	require.Equal(t, int64(1), tally(1))

	t.Run("the next batch executed first", func(t *testing.T) {
		ctx := context.Background()
		dave, erin := r.Account(t, "dave"), r.Account(t, "erin")
		dave.Transact(t, ballot, "BallotBox", "vote", big.NewInt(0))
		first, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		erin.Transact(t, ballot, "BallotBox", "vote", big.NewInt(0))
		second, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		_, err = prover.Prove(ctx, first)
		require.NoError(t, err)
		_, err = prover.Prove(ctx, second)
		require.NoError(t, err)
		require.Len(t, w.segments, 4)
	})
	t.Run("a reverted transaction", func(t *testing.T) {
		// alice voted already: BallotBox reverts with AlreadyVoted, and
		// the commitment binds the receipt's status, which the top
		// frame's outcome must match.
		ctx := context.Background()
		alice.Transact(t, ballot, "BallotBox", "vote", big.NewInt(1))
		b, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		require.Equal(t, types.ReceiptStatusFailed, b.Receipts[0].Status)
		_, err = prover.Prove(ctx, b)
		require.NoError(t, err)
		// Header, the transaction, its frame, the end.
		require.Equal(t, []int{4}, w.segments[4:])
	})
	t.Run("a batch the prover did not see", func(t *testing.T) {
		other := l1.NewRollup(t)
		other.Account(t, "alice").Send(t, &ballot, nil, nil, 100_000)
		b, err := other.Booster.ExecuteBatch(context.Background())
		require.NoError(t, err)
		_, err = prover.Prove(context.Background(), b)
		require.ErrorIs(t, err, booster.ErrNoExecution)
		require.Len(t, w.segments, 5)
	})
	t.Run("a statement the prover refuses", func(t *testing.T) {
		refusing := booster.StatementProver(refuse{})
		p, opts := booster.NewProver(refusing, nil)
		other := l1.NewRollup(t, opts...)
		other.Account(t, "alice").Send(t, &ballot, nil, nil, 100_000)
		b, err := other.Booster.ExecuteBatch(context.Background())
		require.NoError(t, err)
		_, err = p.Prove(context.Background(), b)
		require.ErrorIs(t, err, errRefused)
	})
}

var errRefused = errors.New("refused")

// refuse is a StatementProver that refuses every statement.
type refuse struct{}

func (refuse) Prove(context.Context, *batch.Header, *batch.L1Lists, *statetree.Tree, []*types.Transaction, []*trace.Transaction, func(batch.Progress)) ([]byte, error) {
	return nil, errRefused
}
