package batch_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// BenchmarkVoteBatch executes batches of N votes of the voting example
// (BallotBox.vote on L2, its L1CALL into Voting.recordVote) through a
// booster on a simulated L1, splits each into its segments
// (batch.Witnesses, the ERC20 frame shape, 128 bytes of calldata) and
// reports, against N = 1 in the same run, how many segments a batch is
// and how many constraints its segments add up to, in all and per vote
// (the signature included; the aggregation slots, one per segment, are
// counted, not compiled: their keys need every segment kind's), with
// each kind's count, the steps a vote's frames run and what a step costs
// in the frame segments:
//
//	go test -run XXX -bench BenchmarkVoteBatch -benchtime 1x -timeout 30m ./verifier/batch
func BenchmarkVoteBatch(b *testing.B) {
	capacity := batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]}
	circuits, err := batch.Circuits(capacity)
	if err != nil {
		b.Fatal(err)
	}
	sizes := make([]int, len(circuits))
	for k, c := range circuits {
		cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			b.Fatal(err)
		}
		sizes[k] = cs.GetNbConstraints()
	}
	names := []string{"header", "transaction", "frame", "end", "code", "block"}
	var basePerVote float64
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("votes=%d", n), func(b *testing.B) {
			var segs []batch.SegmentWitness
			var steps int
			for range b.N {
				segs, steps = voteBatchSegments(b, n, capacity)
			}
			counts := make([]int, len(circuits))
			total := 0
			for _, s := range segs {
				counts[s.Kind]++
				total += sizes[s.Kind]
			}
			perVote := float64(total) / float64(n)
			if n == 1 {
				basePerVote = perVote
			}
			b.ReportMetric(float64(len(segs)), "segments")
			b.ReportMetric(float64(len(segs))/float64(n), "segments/vote")
			b.ReportMetric(float64(total), "constraints")
			b.ReportMetric(perVote, "constraints/vote")
			b.ReportMetric(float64(steps)/float64(n), "steps/vote")
			b.ReportMetric(float64(counts[batch.KindFrame]*sizes[batch.KindFrame])/float64(steps), "frame-constraints/step")
			if basePerVote > 0 {
				b.ReportMetric(perVote/basePerVote, "x-per-vote-at-1")
			}
			for k, c := range counts {
				b.ReportMetric(float64(c), names[k]+"-segments")
			}
		})
	}
}

// voteBatchSegments casts n votes on a fresh rollup and returns the
// segments of their batch, with the steps its frames ran.
func voteBatchSegments(b *testing.B, n int, capacity batch.Capacity) ([]batch.SegmentWitness, int) {
	b.Helper()
	rec := trace.NewTxRecorder()
	rollup, ballot := newVoteRollup(b, rec)
	for i := range n {
		rollup.Account(b, fmt.Sprintf("voter %d", i)).Transact(b, ballot, "BallotBox", "vote", big.NewInt(int64(i%3)))
	}
	bt, _ := rollup.Settle(b)
	execs, err := rec.Transactions()
	if err != nil {
		b.Fatal(err)
	}
	h, err := bt.Header()
	if err != nil {
		b.Fatal(err)
	}
	lists, err := bt.L1Lists()
	if err != nil {
		b.Fatal(err)
	}
	segs, err := batch.Witnesses(h, lists, bt.L2StateBefore(), bt.Transactions, execs, capacity)
	if err != nil {
		b.Fatal(err)
	}
	steps := 0
	for _, e := range execs {
		for _, f := range e.Frames {
			if f.Trace != nil {
				steps += len(f.Trace.Steps)
			}
		}
	}
	return segs, steps
}
