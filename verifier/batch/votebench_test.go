package batch_test

import (
	"fmt"
	"math/big"
	"strings"
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
// (batch.Witnesses, 128 bytes of calldata) and reports how many segments
// a batch is and how many constraints its segments add up to, in all
// and per vote (the signature included; the aggregation slots, one per
// segment, are counted, not compiled: their keys need every segment
// kind's), with each kind's count, the steps a vote's frames run and
// what a step costs in the frame segments. It does so for four
// capacities: frames of the ERC20 shape, which hash their own KECCAK256
// inputs (the baseline, against N = 1 of it); the same shape with
// KeccakClaims, whose inputs keccak segments hash once per batch; that
// capacity with a second frame kind of 512 rows (Capacity.Frames),
// which each of a vote's frames fits; and that with a second transaction
// kind of 64 bytes of calldata (Capacity.Transactions), which a vote's
// 36 fit (each against the baseline at the same N):
//
//	go test -run XXX -bench BenchmarkVoteBatch -benchtime 1x -timeout 60m ./verifier/batch
func BenchmarkVoteBatch(b *testing.B) {
	claims := verifier.Shapes[2]
	claims.KeccakClaims = true
	claims512 := claims
	claims512.Steps = 512
	configs := []struct {
		name     string
		capacity batch.Capacity
	}{
		{"in-frame-keccak", batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]}},
		{"keccak-claims", batch.Capacity{Calldata: 128, Frame: claims}},
		{"keccak-claims-and-512-rows", batch.Capacity{Calldata: 128, Frame: claims, Frames: []verifier.Shape{claims512}}},
		{"keccak-claims-512-rows-and-64-byte-transactions", batch.Capacity{Calldata: 128, Frame: claims, Frames: []verifier.Shape{claims512}, Transactions: []int{64}}},
	}
	var basePerVote float64
	baseAt := map[int]float64{}
	for _, cfg := range configs {
		capacity := cfg.capacity
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
		for _, n := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("%s/votes=%d", cfg.name, n), func(b *testing.B) {
				var segs []batch.SegmentWitness
				var steps int
				for range b.N {
					segs, steps = voteBatchSegments(b, n, capacity)
				}
				counts := make([]int, len(circuits))
				total, frames := 0, 0
				for _, s := range segs {
					counts[s.Kind]++
					total += sizes[s.Kind]
					if capacity.IsFrameKind(s.Kind) {
						frames += sizes[s.Kind]
					}
				}
				perVote := float64(total) / float64(n)
				if n == 1 && basePerVote == 0 {
					basePerVote = perVote
				}
				if _, ok := baseAt[n]; !ok {
					baseAt[n] = perVote
				}
				b.ReportMetric(float64(len(segs)), "segments")
				b.ReportMetric(float64(len(segs))/float64(n), "segments/vote")
				b.ReportMetric(float64(total), "constraints")
				b.ReportMetric(perVote, "constraints/vote")
				b.ReportMetric(float64(steps)/float64(n), "steps/vote")
				b.ReportMetric(float64(frames)/float64(steps), "frame-constraints/step")
				b.ReportMetric(perVote/basePerVote, "x-per-vote-at-1")
				b.ReportMetric(perVote/baseAt[n], "x-in-frame-keccak")
				for k, c := range counts {
					name := strings.ReplaceAll(capacity.KindName(k), " ", "")
					b.ReportMetric(float64(c), name+"-segments")
					b.ReportMetric(float64(sizes[k]), name+"-constraints")
				}
			})
		}
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
