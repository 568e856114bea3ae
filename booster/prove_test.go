package booster_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/solidity"
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
	// frame is the frame shape (verifier.Shapes[2] if nil).
	frame *verifier.Shape
}

func (w *witnessProver) capacity() batch.Capacity {
	c := batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]}
	if w.frame != nil {
		c.Frame = *w.frame
	}
	return c
}

func (w *witnessProver) Prove(ctx context.Context, h *batch.Header, l1 *batch.L1Lists, l2 *statetree.Tree, txs []*types.Transaction,
	execs []*trace.Transaction, progress func(batch.Progress)) ([]byte, error) {
	segs, err := batch.Witnesses(h, l1, l2, txs, execs, w.capacity())
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

// checkingProver is a witnessProver that is a StatementChecker too: its
// Check builds the witnesses and refuses a batch of more than
// maxSegments segments, as batch.Prover.Check refuses one its
// aggregation does not hold.
type checkingProver struct {
	witnessProver
	maxSegments int
	checks      int
}

var errTooLarge = errors.New("too many segments")

func (c *checkingProver) Check(h *batch.Header, l1 *batch.L1Lists, l2 *statetree.Tree, txs []*types.Transaction, execs []*trace.Transaction) error {
	c.checks++
	segs, err := batch.Witnesses(h, l1, l2, txs, execs, c.capacity())
	if err != nil {
		return err
	}
	if len(segs) > c.maxSegments {
		return fmt.Errorf("%w: %d, at most %d", errTooLarge, len(segs), c.maxSegments)
	}
	return nil
}

// TestProverLeavesOut checks the batch check NewProver installs for a
// StatementChecker: a contract creation and a transaction that runs out
// of gas, which the segments cannot prove, are left out of the batch
// with ErrUnprovable and the rest is proven and settled, where without
// the check the batch is sealed and cannot be proven; a batch too large
// for the prover is closed at the largest that fits, the rest left
// queued for the next; and a transaction too large alone is dropped.
func TestProverLeavesOut(t *testing.T) {
	ctx := context.Background()
	counter := common.HexToAddress("0xc0de")
	genesis := booster.WithGenesis(types.GenesisAlloc{counter: {Code: solidity.MustLoad("PlainCounter").DeployedBytecode}})
	increment := func(a *boostertest.Account) *types.Transaction {
		return a.Transact(t, counter, "PlainCounter", "increment")
	}
	l1 := boostertest.NewL1(t)
	dev := booster.NewDevProver(l1.DevKey, l1.Config.ChainID, l1.Verifier)
	// A header, one transaction segment and one frame a call of
	// increment, the end: 4 segments for one, 6 for two.
	proven := func(maxSegments int) (*boostertest.Rollup, *checkingProver, booster.Prover) {
		c := &checkingProver{maxSegments: maxSegments}
		p, opts := booster.NewProver(c, nil)
		require.Len(t, opts, 3, "the recorder's hooks and the check")
		r := l1.NewRollupVerifiedBy(t, l1.Verifier, thenDev{p, dev}, append(opts, genesis)...)
		return r, c, p
	}
	count := func(r *boostertest.Rollup) int64 {
		return r.Booster.Chain().Storage(counter, common.Hash{}).Big().Int64()
	}

	t.Run("unprovable transactions", func(t *testing.T) {
		r, c, _ := proven(100)
		alice, bob, carol, dave := r.Account(t, "alice"), r.Account(t, "bob"), r.Account(t, "carol"), r.Account(t, "dave")
		increment(alice)
		creation := bob.Send(t, nil, nil, solidity.MustLoad("PlainCounter").Bytecode, 1_000_000)
		_, data := packCall(t, "PlainCounter", "increment")
		oog := carol.Send(t, &counter, nil, data, 30_000) // the SSTORE runs out of gas
		increment(dave)
		b, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		require.Len(t, b.Transactions, 2)
		require.Len(t, b.Rejected, 2)
		requireLeftOut(t, b, 0, creation, verifier.ErrUnsupported)
		requireLeftOut(t, b, 1, oog, trace.ErrExecution)
		var txErr *batch.TransactionError
		require.ErrorAs(t, b.Rejected[1].Err, &txErr)
		require.Equal(t, 2, txErr.Index, "carol's was the third transaction applied when it was found")
		// Three runs: the first finds carol's out-of-gas halt in its
		// recording (before Check), the second the creation (Check's
		// witnesses), the third passes.
		require.Equal(t, 2, c.checks)
		require.Equal(t, int64(2), count(r))
		r.L1.Backend.Commit()
		_, err = booster.Settle(ctx, r.L1.Client, bind.NewKeyedTransactor(r.L1.Key, r.L1.Config.ChainID), r.Contract, b, r.Prover)
		require.NoError(t, err)
		require.Equal(t, []int{1 + 2*2 + 1}, c.segments)
	})
	t.Run("without the check", func(t *testing.T) {
		w := &witnessProver{}
		p, opts := booster.NewProver(w, nil)
		require.Len(t, opts, 2, "the recorder's hooks only")
		r := l1.NewRollupVerifiedBy(t, l1.Verifier, p, append(opts, genesis)...)
		increment(r.Account(t, "alice"))
		r.Account(t, "bob").Send(t, nil, nil, solidity.MustLoad("PlainCounter").Bytecode, 1_000_000)
		b, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		require.Len(t, b.Transactions, 2, "sealed with the creation")
		_, err = p.Prove(ctx, b)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
	})
	t.Run("a batch too large", func(t *testing.T) {
		// Five increments, three a batch (1 + 3*2 + 1 = 8 segments).
		r, c, _ := proven(8)
		for _, name := range []string{"alice", "bob", "carol", "dave", "erin"} {
			increment(r.Account(t, name))
		}
		var sizes []int
		for range 2 {
			b, _ := r.Settle(t)
			sizes = append(sizes, len(b.Transactions))
		}
		require.Equal(t, []int{3, 2}, sizes)
		require.Equal(t, int64(5), count(r))
		require.Equal(t, []int{8, 6}, c.segments)
		_, err := r.Booster.ExecuteBatch(ctx)
		require.ErrorIs(t, err, booster.ErrEmptyBatch)
	})
	t.Run("the L1 precompiles", func(t *testing.T) {
		// The segments prove the frames of all three precompiles: an
		// L1SANDBOXCALL, an L1CALL and an L1DELEGATECALL of the same
		// counter are all taken, and only the L1CALL's write settles.
		caller := common.HexToAddress("0xca11")
		c := &checkingProver{witnessProver: witnessProver{frame: &verifier.Shapes[3]}, maxSegments: 100}
		p, opts := booster.NewProver(c, nil)
		r := l1.NewRollupVerifiedBy(t, l1.Verifier, thenDev{p, dev}, append(opts,
			booster.WithGenesis(types.GenesisAlloc{caller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))...)
		l1Counter := l1.Deploy(t, "BoostedCounter", r.Contract)
		require.NoError(t, r.Booster.SetL1Source(l1.Source(t)))
		r.Account(t, "alice").Transact(t, caller, "Sandboxer", "sandboxIncrement", l1Counter)
		r.Account(t, "bob").Transact(t, caller, "Sandboxer", "increment", l1Counter)
		r.Account(t, "carol").Transact(t, caller, "Sandboxer", "delegateIncrement", l1Counter)
		b, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		require.Empty(t, b.Rejected)
		require.Len(t, b.Transactions, 3)
		require.Equal(t, 1, c.checks)
		r.L1.Backend.Commit()
		_, err = booster.Settle(ctx, r.L1.Client, bind.NewKeyedTransactor(r.L1.Key, r.L1.Config.ChainID), r.Contract, b, r.Prover)
		require.NoError(t, err)
		r.L1.Backend.Commit()
		require.Equal(t, common.BigToHash(big.NewInt(1)), r.L1.Storage(t, l1Counter, common.Hash{}))
		// The L1DELEGATECALL counted in the caller's own L2 storage.
		require.Equal(t, common.BigToHash(big.NewInt(1)), r.Booster.Chain().Storage(caller, common.Hash{}))
	})
	t.Run("code larger than the shapes", func(t *testing.T) {
		// Caller's 2,596 bytes of code make an L1CALL: the code segments
		// hold 2,048. The refusal names bob's transaction, which is left
		// out at once; alice's is settled in the same batch.
		caller := common.HexToAddress("0xca11")
		c := &checkingProver{maxSegments: 100}
		p, opts := booster.NewProver(c, nil)
		r := l1.NewRollupVerifiedBy(t, l1.Verifier, thenDev{p, dev}, append(opts,
			booster.WithGenesis(types.GenesisAlloc{counter: {Code: solidity.MustLoad("PlainCounter").DeployedBytecode},
				caller: {Code: solidity.MustLoad("Caller").DeployedBytecode}}))...)
		l1Counter := l1.Deploy(t, "BoostedCounter", r.Contract)
		require.NoError(t, r.Booster.SetL1Source(l1.Source(t)))
		increment(r.Account(t, "alice"))
		_, inc := packCall(t, "BoostedCounter", "increment")
		large := r.Account(t, "bob").Transact(t, caller, "Caller", "l1Call", l1Counter, inc)
		b, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		require.Len(t, b.Transactions, 1)
		require.Len(t, b.Rejected, 1)
		requireLeftOut(t, b, 0, large, verifier.ErrCapacity)
		require.Zero(t, r.Booster.Pending())
		require.Equal(t, 2, c.checks)
	})
	t.Run("a check that cannot judge", func(t *testing.T) {
		// A check that finds no executions (a prover whose hooks the
		// booster does not run) abandons the batch and keeps the queue.
		b, err := booster.New(l1.Source(t), genesis, booster.WithBatchCheck(func(context.Context, *booster.Batch) error {
			return booster.ErrNoExecution
		}))
		require.NoError(t, err)
		alice := boostertest.Key(t, "l2 alice")
		_, data := packCall(t, "PlainCounter", "increment")
		tx := types.MustSignNewTx(alice, types.LatestSignerForChainID(booster.DefaultChainID), &types.DynamicFeeTx{
			ChainID: booster.DefaultChainID, GasFeeCap: new(big.Int), GasTipCap: new(big.Int), Gas: 100_000, To: &counter, Data: data})
		require.NoError(t, b.Submit(tx))
		_, err = b.ExecuteBatch(ctx)
		require.ErrorIs(t, err, booster.ErrNoExecution)
		require.Equal(t, uint64(1), b.Nonce(crypto.PubkeyToAddress(alice.PublicKey)), "still queued")
		require.Equal(t, common.Hash{}, b.Chain().Storage(counter, common.Hash{}))
	})
	t.Run("a transaction too large alone", func(t *testing.T) {
		r, _, _ := proven(3)
		tx := increment(r.Account(t, "alice"))
		b, err := r.Booster.ExecuteBatch(ctx)
		require.NoError(t, err)
		require.Empty(t, b.Transactions)
		require.Len(t, b.Rejected, 1)
		requireLeftOut(t, b, 0, tx, errTooLarge)
		require.Equal(t, int64(0), count(r))
	})
}

// requireLeftOut checks that the batch left tx out as its i-th rejected
// transaction, unprovable for reason.
func requireLeftOut(t *testing.T, b *booster.Batch, i int, tx *types.Transaction, reason error) {
	t.Helper()
	require.Greater(t, len(b.Rejected), i)
	require.Equal(t, tx.Hash(), b.Rejected[i].Tx.Hash())
	require.ErrorIs(t, b.Rejected[i].Err, booster.ErrUnprovable)
	require.ErrorIs(t, b.Rejected[i].Err, reason)
}

// packCall is the calldata of a call of an artifact's method.
func packCall(t *testing.T, contract, method string, args ...any) (*solidity.Artifact, []byte) {
	t.Helper()
	art := solidity.MustLoad(contract)
	data, err := art.ABI.Pack(method, args...)
	require.NoError(t, err)
	return art, data
}
