package aggregate

import (
	"math/big"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	frmimc "github.com/consensys/gnark-crypto/ecc/bls12-377/fr/mimc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"
)

// toySegment is a segment circuit for the tests: it hands on the MiMC hash
// of its public values and a private step value, or 0 if it is the last
// segment. Like the EVM circuit it has one commitment.
type toySegment struct {
	SegmentInputs
	X, Last frontend.Variable
}

func (c *toySegment) Define(api frontend.API) error {
	return defineToy(api, &c.SegmentInputs, c.X, c.X, c.Last)
}

// defineToy hands on the MiMC hash of the public values and step (0 if
// last), and commits to x, like the EVM circuit's one commitment.
func defineToy(api frontend.API, in *SegmentInputs, x, step, last frontend.Variable) error {
	h, err := mimc.NewMiMC(api)
	if err != nil {
		return err
	}
	h.Write(in.BatchHi, in.BatchLo, in.Index, in.In, step)
	api.AssertIsBoolean(last)
	api.AssertIsEqual(in.Out, api.Mul(api.Sub(1, last), h.Sum()))
	cm, err := api.(frontend.Committer).Commit(x, in.Out)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, 0)
	return nil
}

// toyOut is toySegment's Out outside the circuit.
func toyOut(s Segment, x int64, last bool) *big.Int {
	if last {
		return new(big.Int)
	}
	in := s.Inputs()
	h := frmimc.NewMiMC()
	for _, v := range []any{in.BatchHi, in.BatchLo, in.Index, in.In, x} {
		var e fr.Element
		if _, err := e.SetInterface(v); err != nil {
			panic(err)
		}
		b := e.Bytes()
		h.Write(b[:])
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}

type toyKeys struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

// setupOnce compiles a segment circuit on BLS12-377 and sets it up, once.
func setupOnce(c frontend.Circuit) func() (*toyKeys, error) {
	return sync.OnceValues(func() (*toyKeys, error) {
		cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			return nil, err
		}
		pk, vk, err := groth16.Setup(cs)
		if err != nil {
			return nil, err
		}
		return &toyKeys{cs, pk, vk}, nil
	})
}

var toy = setupOnce(&toySegment{})

func toyKind(t testing.TB) SegmentKind {
	t.Helper()
	k, err := toy()
	require.NoError(t, err)
	return SegmentKind{CCS: k.ccs, VK: k.vk}
}

// proveToy proves one toy segment.
func proveToy(t testing.TB, s Segment, x int64, last bool) SegmentProof {
	t.Helper()
	k, err := toy()
	require.NoError(t, err)
	s.Out = toyOut(s, x, last)
	w, err := frontend.NewWitness(&toySegment{SegmentInputs: s.Inputs(), X: x, Last: boolInt(last)}, ecc.BLS12_377.ScalarField())
	require.NoError(t, err)
	p, err := groth16.Prove(k.ccs, k.pk, w, SegmentProverOptions())
	require.NoError(t, err)
	pub, err := w.Public()
	require.NoError(t, err)
	require.NoError(t, groth16.Verify(p, k.vk, pub, SegmentVerifierOptions()))
	return SegmentProof{Segment: s, Proof: p}
}

// toyRun proves a run of n segments of batch, each starting where the one
// before ended.
func toyRun(t testing.TB, batch [32]byte, n int) []SegmentProof {
	t.Helper()
	var segs []SegmentProof
	in := new(big.Int)
	for i := range n {
		p := proveToy(t, Segment{Batch: batch, Index: uint64(i), In: in}, int64(i+7), i == n-1)
		segs = append(segs, p)
		in = p.Segment.Out
	}
	return segs
}

var (
	batchA = [32]byte{0: 0xaa, 31: 0x01}
	batchB = [32]byte{0: 0xbb, 31: 0x02}
	// batchHigh and batchLow differ from batchA in one half only.
	batchHigh = [32]byte{0: 0xab, 31: 0x01}
	batchLow  = [32]byte{0: 0xaa, 31: 0x03}
)

// TestAggregationSoundness checks with the constraint solver that the
// aggregation circuit accepts a run of a batch's segments and nothing else:
// a segment dropped, duplicated, reordered, of another batch, with a wrong
// index, with a changed public value, or an inactive slot between active
// ones.
func TestAggregationSoundness(t *testing.T) {
	const arity = 3
	kind := toyKind(t)
	run := toyRun(t, batchA, 3)
	pair := toyRun(t, batchA, 2)
	other := toyRun(t, batchB, 3)
	// A valid last segment that starts from the right boundary but claims
	// index 2 at position 1.
	misindexed := proveToy(t, Segment{Batch: batchA, Index: 2, In: run[0].Segment.Out}, 8, true)
	// Whole one-segment runs at positions 0 and 2.
	single0 := proveToy(t, Segment{Batch: batchA, Index: 0}, 1, true)
	single1 := proveToy(t, Segment{Batch: batchA, Index: 1}, 1, true)
	single2 := proveToy(t, Segment{Batch: batchA, Index: 2}, 1, true)
	// A valid proof of segment 1 that starts from another boundary.
	offChain := proveToy(t, Segment{Batch: batchA, Index: 1, In: big.NewInt(12345)}, 8, false)
	forged := run[1]
	forged.Segment.In = new(big.Int).Add(forged.Segment.In, big.NewInt(1))

	circuit, err := newAggregationCircuit(arity, []SegmentKind{kind})
	require.NoError(t, err)
	cases := []struct {
		name   string
		batch  [32]byte
		segs   []SegmentProof
		tamper func(*aggregationCircuit)
		ok     bool
	}{
		{name: "whole run", batch: batchA, segs: run, ok: true},
		{name: "shorter run, padded", batch: batchA, segs: pair, ok: true},
		{name: "one segment", batch: batchA, segs: toyRun(t, batchA, 1), ok: true},
		{name: "last segment dropped", batch: batchA, segs: run[:2]},
		{name: "first segment dropped", batch: batchA, segs: run[1:]},
		{name: "middle segment dropped", batch: batchA, segs: []SegmentProof{run[0], run[2]}},
		{name: "segment duplicated", batch: batchA, segs: []SegmentProof{run[0], run[0], run[1]}},
		{name: "segments reordered", batch: batchA, segs: []SegmentProof{run[1], run[0], run[2]}},
		{name: "run of another batch", batch: batchA, segs: other},
		{name: "run of a batch differing in the high half", batch: batchHigh, segs: run},
		{name: "run of a batch differing in the low half", batch: batchLow, segs: run},
		{name: "segment of another batch", batch: batchA, segs: []SegmentProof{run[0], other[1], run[2]}},
		{name: "wrong index, boundaries intact", batch: batchA, segs: []SegmentProof{run[0], misindexed}},
		{name: "boundary changed between segments", batch: batchA, segs: []SegmentProof{run[0], offChain, run[2]}},
		{name: "public value changed under its proof", batch: batchA, segs: []SegmentProof{run[0], forged, run[2]}},
		{name: "inactive slot between active ones", batch: batchA, segs: []SegmentProof{single0, single0, single2}, tamper: func(c *aggregationCircuit) {
			c.Active = []frontend.Variable{1, 0, 1}
		}},
		{name: "activity not a bit", batch: batchA, segs: []SegmentProof{single0, single1}, tamper: func(c *aggregationCircuit) {
			c.Active = []frontend.Variable{1, 2, 0}
		}},
		{name: "no active slot", batch: batchA, segs: run, tamper: func(c *aggregationCircuit) {
			c.Active = []frontend.Variable{0, 0, 0}
		}},
		{name: "run cut short by deactivating its last slot", batch: batchA, segs: run, tamper: func(c *aggregationCircuit) {
			c.Active = []frontend.Variable{1, 1, 0}
		}},
		{name: "unknown kind", batch: batchA, segs: run, tamper: func(c *aggregationCircuit) {
			c.Kind[1] = 1
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := assignment(arity, 1, tc.batch, tc.segs)
			require.NoError(t, err)
			if tc.tamper != nil {
				tc.tamper(a)
			}
			err = test.IsSolved(circuit, a, ecc.BW6_761.ScalarField())
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}

// TestAggregationRefusesBadInput checks the errors of what cannot fit.
func TestAggregationRefusesBadInput(t *testing.T) {
	kind := toyKind(t)
	run := toyRun(t, batchA, 2)
	_, err := assignment(1, 1, batchA, run)
	require.ErrorIs(t, err, ErrSegments)
	_, err = assignment(2, 1, batchA, nil)
	require.ErrorIs(t, err, ErrSegments)
	bad := run[0]
	bad.Kind = 3
	_, err = assignment(2, 1, batchA, []SegmentProof{bad})
	require.ErrorIs(t, err, ErrSegments)
	_, err = newAggregationCircuit(0, []SegmentKind{kind})
	require.ErrorIs(t, err, ErrSegments)
	_, err = newAggregationCircuit(2, nil)
	require.ErrorIs(t, err, ErrSegments)
}

// toySquare is a second kind of toy segment: it hands on the hash of X²,
// so its proofs verify under its own key only.
type toySquare struct {
	SegmentInputs
	X, Last frontend.Variable
}

func (c *toySquare) Define(api frontend.API) error {
	return defineToy(api, &c.SegmentInputs, c.X, api.Mul(c.X, c.X), c.Last)
}

var square = setupOnce(&toySquare{})

// TestAggregationKinds checks that each segment is verified under the key
// of the kind it names: a run mixing two kinds solves, and a segment
// proved under one kind named as the other does not.
func TestAggregationKinds(t *testing.T) {
	sq, err := square()
	require.NoError(t, err)
	kinds := []SegmentKind{toyKind(t), {CCS: sq.ccs, VK: sq.vk}}
	first := proveToy(t, Segment{Batch: batchA, Index: 0}, 3, false)
	s := Segment{Batch: batchA, Index: 1, In: first.Segment.Out}
	s.Out = toyOut(s, 9, true) // 9 = 3², the square kind's hash of X = 3
	w, err := frontend.NewWitness(&toySquare{SegmentInputs: s.Inputs(), X: 3, Last: 1}, ecc.BLS12_377.ScalarField())
	require.NoError(t, err)
	p, err := groth16.Prove(sq.ccs, sq.pk, w, SegmentProverOptions())
	require.NoError(t, err)
	second := SegmentProof{Kind: 1, Segment: s, Proof: p}

	circuit, err := newAggregationCircuit(2, kinds)
	require.NoError(t, err)
	good, err := assignment(2, 2, batchA, []SegmentProof{first, second})
	require.NoError(t, err)
	require.NoError(t, test.IsSolved(circuit, good, ecc.BW6_761.ScalarField()))
	second.Kind = 0
	bad, err := assignment(2, 2, batchA, []SegmentProof{first, second})
	require.NoError(t, err)
	require.Error(t, test.IsSolved(circuit, bad, ecc.BW6_761.ScalarField()))
}
