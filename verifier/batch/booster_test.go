package batch_test

import (
	"context"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// newVoteRollup starts a rollup whose frames rec records, with the voting
// example deployed (Voting on L1 for three proposals, BallotBox on L2)
// and settled, rec reset after it; it returns the rollup and the
// BallotBox.
func newVoteRollup(t boostertest.TB, rec *trace.TxRecorder) (*boostertest.Rollup, common.Address) {
	t.Helper()
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()))
	deployer := rollup.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1.Deploy(t, "Voting", rollup.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	deployer.Deploy(t, "BallotBox", voting)
	rollup.Settle(t)
	rec.Reset()
	return rollup, ballot
}

// TestBoosterVoteBatchSegments executes and settles a real booster batch
// (the voting example's vote: BallotBox.vote on L2, its L1CALL into
// Voting.recordVote) on a simulated L1, whose booster contract recomputes
// the commitment, records the vote as the booster ran it, and checks that
// the batch's header hashes to that commitment, that its segments (the
// vote's L2 frame, and the L1 frame its L1CALL entered) solve the segment
// circuits, and that a broken link between the two frames does not.
func TestBoosterVoteBatchSegments(t *testing.T) {
	if testing.Short() {
		t.Skip("solves an EVM frame of the ERC20 shape")
	}
	rec := trace.NewTxRecorder()
	rollup, ballot := newVoteRollup(t, rec)
	rollup.Account(t, "alice").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	rollup.Account(t, "bob").Transact(t, ballot, "BallotBox", "vote", big.NewInt(1))
	b, _ := rollup.Settle(t)
	execs, err := rec.Transactions()
	require.NoError(t, err)
	require.Len(t, execs, 2)
	tx := execs[0]

	h, err := b.Header()
	require.NoError(t, err)
	c, err := b.Commitment()
	require.NoError(t, err)
	require.Equal(t, c, h.Hash())
	sigs, err := batch.Signatures(b.Transactions)
	require.NoError(t, err)
	// The votes' logs: Voted on L1 (LOG3 of recordVote), none on L2.
	for i, r := range b.Receipts {
		require.Empty(t, r.Logs)
		require.Len(t, r.L1Logs, 1)
		sigs[i].Logs, sigs[i].L1Logs = batch.LogsDigest(r.Logs), batch.LogsDigest(r.L1Logs)
	}
	block := batch.L2Block{Time: b.L2Block.Time, Coinbase: b.L2Block.Coinbase, GasLimit: b.L2Block.GasLimit, BaseFee: b.L2Block.BaseFee}
	require.Equal(t, block, h.L2Block)
	require.Equal(t, batch.TransactionsCommitment(block, sigs), h.Transactions)

	lists, err := b.L1Lists()
	require.NoError(t, err)
	capacity := batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2], L1Slots: 2}
	witnesses := func() []batch.SegmentWitness {
		segs, err := batch.Witnesses(h, lists, b.L2StateBefore(), b.Transactions, execs, capacity)
		require.NoError(t, err)
		return segs
	}
	segs := witnesses()
	// Header, Voting's code, BallotBox's code (hashed for the alias rule
	// of its L1CALL's sender), the pinned L1 block (the L1 frames'
	// context), then per vote its signature, BallotBox.vote
	// on L2 and Voting.recordVote on L1 (the L1CALL precompile's own
	// frame runs no code), then the end.
	kinds := make([]int, len(segs))
	for i, s := range segs {
		kinds[i] = s.Kind
	}
	require.Equal(t, []int{batch.KindHeader, batch.KindCode, batch.KindCode, batch.KindBlock, batch.KindTransaction, batch.KindFrame, batch.KindFrame,
		batch.KindTransaction, batch.KindFrame, batch.KindFrame, batch.KindEnd}, kinds)
	circuits, err := batch.Circuits(capacity)
	require.NoError(t, err)
	solve := func(s batch.SegmentWitness) error {
		return test.IsSolved(circuits[s.Kind], s.Assignment, ecc.BLS12_377.ScalarField())
	}
	for i, s := range segs {
		require.NoError(t, solve(s), "segment %d", i)
	}

	// The links between the two frames, each broken in one way.
	other := *tx.Frames[2].Trace
	t.Run("an L1 frame the L1CALL did not enter", func(t *testing.T) {
		// recordVote of another voter, in the L1 frame's segment.
		recordVote, err := solidity.MustLoad("Voting").ABI.Pack("recordVote", common.HexToAddress("0xbad"), big.NewInt(2))
		require.NoError(t, err)
		tr, err := trace.Run(trace.Call{Code: other.Code, Address: other.Address, Caller: other.Caller, Input: recordVote, Context: &other.Context})
		require.NoError(t, err)
		w, err := verifier.Assign(tr, capacity.Frame)
		require.NoError(t, err)
		s := witnesses()[6]
		batch.FrameSegmentOf(s.Assignment).Frame = w.FrameWitness
		require.Error(t, solve(s))
	})
	t.Run("the L1 frame taken for an L2 one", func(t *testing.T) {
		s := witnesses()[6]
		batch.FrameSegmentOf(s.Assignment).L1 = 0
		require.Error(t, solve(s))
	})
	t.Run("an L1CALL from an L1 frame", func(t *testing.T) {
		// The vote's L2 frame said to be an L1 frame: its L1CALL is then
		// refused. The same relabelling as an L2 frame solves.
		s := witnesses()[5]
		batch.Relabel(s.Assignment, h, tx.Frames[0].Trace, true, false)
		require.Error(t, solve(s))
		batch.Relabel(s.Assignment, h, tx.Frames[0].Trace, false, false)
		require.NoError(t, solve(s))
	})
	t.Run("a static frame that writes", func(t *testing.T) {
		// The vote's L2 frame said to be static: the ballot it writes
		// refuses it (its L1CALL would be proven static: TestStaticL1Call).
		s := witnesses()[5]
		batch.Relabel(s.Assignment, h, tx.Frames[0].Trace, false, true)
		require.Error(t, solve(s))
	})
	t.Run("an L1 frame left out", func(t *testing.T) {
		// The second vote's signature right after the first vote's L2
		// frame.
		segs := witnesses()
		s := segs[7]
		next := batch.TransactionSegmentOf(s.Assignment)
		next.Pending = batch.FrameSegmentOf(segs[6].Assignment).Pending
		next.In = segs[5].Segment.Out
		require.Error(t, solve(s))
		// The end right after the second vote's L2 frame.
		s = segs[10]
		end := batch.EndSegmentOf(s.Assignment)
		end.Pending = batch.FrameSegmentOf(segs[9].Assignment).Pending
		end.In = segs[8].Segment.Out
		require.Error(t, solve(s))
	})
}

// forwarderCode is L2 code that hands its calldata (an L1 contract's
// address, then the call's input) to L1CALL and reverts where the call
// fails: a contract whose L1 calls the L1 contracts see as its alias.
func forwarderCode() []byte {
	code := common.FromHex("366000600037" + "60006000366000600073")
	code = append(code, precompiles.L1CallAddress[:]...)
	return append(code, common.FromHex("5af1602e576000"+"6000fd5b00")...)
}

// TestBoosterMixedBatchSegments executes one real booster batch that
// touches three L1 contracts at once (a vote through BallotBox into
// Voting, an increment of a BoostedCounter and a swap in a
// ConstantProductPool, the last two through an L2 forwarder's L1CALLs,
// and an increment sent to L1CALL itself)
// and checks that its segments solve the segment circuits, for frames of
// the ERC20 shape with a larger kind for the swap (Capacity.Frames), with
// their KECCAK256 hashes in the frames or left to keccak segments.
func TestBoosterMixedBatchSegments(t *testing.T) {
	if testing.Short() {
		t.Skip("solves EVM frames of the ERC20 shape")
	}
	rec := trace.NewTxRecorder()
	forwarder := common.HexToAddress("0xf0f0")
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{forwarder: {Code: forwarderCode()}}))
	deployer := rollup.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1.Deploy(t, "Voting", rollup.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	deployer.Deploy(t, "BallotBox", voting)
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	pool := l1.Deploy(t, "ConstantProductPool", rollup.Contract, big.NewInt(1_000_000), big.NewInt(1_000_000),
		[]common.Address{boostertest.L1Sender(forwarder)}, big.NewInt(10_000))
	rollup.Settle(t)
	rec.Reset()

	rollup.Account(t, "alice").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	increment, err := solidity.MustLoad("BoostedCounter").ABI.Pack("increment")
	require.NoError(t, err)
	rollup.Account(t, "bob").Send(t, &forwarder, nil, append(counter.Bytes(), increment...), 3_000_000)
	swap, err := solidity.MustLoad("ConstantProductPool").ABI.Pack("swap", true, big.NewInt(1_000), big.NewInt(1))
	require.NoError(t, err)
	rollup.Account(t, "carol").Send(t, &forwarder, nil, append(pool.Bytes(), swap...), 3_000_000)
	rollup.Account(t, "dave").L1Call(t, counter, "BoostedCounter", "increment")
	b, _ := rollup.Settle(t)
	require.Len(t, b.Transactions, 4)
	for i, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "transaction %d", i)
	}
	require.Equal(t, big.NewInt(2), l1.Call(t, counter, "BoostedCounter", "count")[0])
	execs, err := rec.Transactions()
	require.NoError(t, err)

	erc20 := verifier.Shapes[2]
	swapShape := erc20
	swapShape.LogData = 4
	claims, claimsSwap := erc20, swapShape
	claims.KeccakClaims, claimsSwap.KeccakClaims = true, true
	for _, c := range []struct {
		name     string
		capacity batch.Capacity
	}{
		{"in-frame keccak", batch.Capacity{Calldata: 128, Frame: swapShape, Frames: []verifier.Shape{erc20}}},
		{"keccak claims", batch.Capacity{Calldata: 128, Frame: claimsSwap, Frames: []verifier.Shape{claims}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			kinds := solveBoosterBatch(t, b, execs, c.capacity)
			// Four transactions; the vote's two frames, the forwarder's
			// twice and the counter's twice in the ERC20 shape, the
			// swap's in the larger one; the codes of Voting, the counter
			// and the pool (their L1 frames), and of BallotBox and the
			// forwarder (the alias rule).
			require.Equal(t, 4, kinds[batch.KindTransaction])
			require.Equal(t, 6, kinds[c.capacity.FrameKind(0)])
			require.Equal(t, 1, kinds[batch.KindFrame])
			require.Equal(t, 5, kinds[batch.KindCode])
		})
	}
}

// TestBoosterPrecompileBatch executes a real booster batch whose L2
// frames call Ethereum's precompiles, recorded as the booster ran them:
// an approval in solidity/test/Signed.sol (Solidity's ecrecover of bob's
// signature), a second approval with a signature the precompile refuses
// (which reverts), and a commitment (Solidity's sha256 of 51 bytes). Its
// segments solve for a capacity with ecrecover and sha256 segments, one
// ecrecover segment proving both signatures; without either kind the
// batch is refused by name.
func TestBoosterPrecompileBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves EVM frames of the ERC20 shape")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()))
	deployer := rollup.Account(t, "deployer")
	signed := deployer.Deploy(t, "Signed")
	rollup.Settle(t)
	rec.Reset()

	bob := rollup.Account(t, "bob")
	digest := crypto.Keccak256Hash([]byte("proposal 3"))
	sig, err := crypto.Sign(digest[:], bob.Key)
	require.NoError(t, err)
	var r, s [32]byte
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	rollup.Account(t, "alice").Transact(t, signed, "Signed", "approve", digest, sig[64]+27, r, s)
	rollup.Account(t, "carol").Transact(t, signed, "Signed", "approve", digest, uint8(29), r, s)
	data := []byte("the minutes of the meeting of the third of December")
	rollup.Account(t, "dave").Transact(t, signed, "Signed", "commit", data)
	// Executed, not settled (boostertest's Settle wants every transaction
	// to succeed).
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 3)
	require.Equal(t, types.ReceiptStatusSuccessful, b.Receipts[0].Status)
	require.Equal(t, types.ReceiptStatusFailed, b.Receipts[1].Status)
	require.Equal(t, types.ReceiptStatusSuccessful, b.Receipts[2].Status)
	sum := sha256.Sum256(data)
	require.Equal(t, sum[:], b.Receipts[2].ReturnData)
	require.Len(t, b.Receipts[0].Logs, 1, "Approved")
	execs, err := rec.Transactions()
	require.NoError(t, err)

	c := batch.Capacity{Calldata: 160, Frame: verifier.Shapes[2], Ecrecover: 2, Sha256: 1}
	kinds := solveBoosterBatch(t, b, execs, c)
	require.Equal(t, 3, kinds[batch.KindFrame])
	require.Equal(t, 1, kinds[c.EcrecoverKind()])
	require.Equal(t, 1, kinds[c.Sha256Kind()])
	// Without ecrecover or sha256 segments the batch is refused by name.
	h, err := b.Header()
	require.NoError(t, err)
	lists, err := b.L1Lists()
	require.NoError(t, err)
	for _, less := range []batch.Capacity{{Calldata: 160, Frame: verifier.Shapes[2], Sha256: 1}, {Calldata: 160, Frame: verifier.Shapes[2], Ecrecover: 2}} {
		_, err = batch.Witnesses(h, lists, b.L2StateBefore(), b.Transactions, execs, less)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
	}
}

// solveBoosterBatch splits a booster batch, executed as execs, into
// segments of capacity c, checks that each solves and returns how many
// there are of each kind.
func solveBoosterBatch(t *testing.T, b *booster.Batch, execs []*trace.Transaction, c batch.Capacity) map[int]int {
	t.Helper()
	h, err := b.Header()
	require.NoError(t, err)
	lists, err := b.L1Lists()
	require.NoError(t, err)
	segs, err := batch.Witnesses(h, lists, b.L2StateBefore(), b.Transactions, execs, c)
	require.NoError(t, err)
	circuits, err := batch.Circuits(c)
	require.NoError(t, err)
	kinds := map[int]int{}
	for i, s := range segs {
		kinds[s.Kind]++
		require.NoError(t, test.IsSolved(circuits[s.Kind], s.Assignment, ecc.BLS12_377.ScalarField()), "segment %d (%s)", i, c.KindName(s.Kind))
	}
	return kinds
}
