package keccak_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/math/uints"
	"github.com/consensys/gnark/std/permutation/keccakf"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// permutations applies N permutations in a row to a state of inputs,
// with this package's hasher or, if Std, with gnark's
// std/permutation/keccakf.
type permutations struct {
	N     int  `gnark:"-"`
	Std   bool `gnark:"-"`
	State [25 * 8]frontend.Variable
}

func (c *permutations) Define(api frontend.API) error {
	if c.Std {
		u, err := uints.New[uints.U64](api)
		if err != nil {
			return err
		}
		var s [25]uints.U64
		for i := range s {
			var bs [8]uints.U8
			for j := range bs {
				bs[j] = u.ByteValueOf(c.State[8*i+j])
			}
			s[i] = u.PackLSB(bs[:]...)
		}
		for range c.N {
			s = keccakf.Permute(u, s)
		}
		for i := range s {
			api.AssertIsDifferent(u.ToValue(s[i]), -1)
		}
		return nil
	}
	h := keccak.New(api)
	var s keccak.State
	for i := range s {
		copy(s[i][:], h.Nibbles(c.State[8*i:8*i+8]))
	}
	for range c.N {
		h.Permute(&s)
	}
	for i := range s {
		for _, n := range s[i] {
			api.AssertIsDifferent(n, 256)
		}
	}
	return nil
}

// BenchmarkPermutation compiles one and two Keccak-f[1600] permutations
// over BLS12-377 with this package and with gnark's std keccakf, and
// reports the cost of a permutation (the difference) and of the rest
// (tables, input checks), and the ratio of the two permutations:
//
//	go test -run XXX -bench BenchmarkPermutation -benchtime 1x ./verifier/keccak
func BenchmarkPermutation(b *testing.B) {
	count := func(b *testing.B, std bool, n int) int {
		cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, &permutations{N: n, Std: std})
		if err != nil {
			b.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	var per [2]int
	for i, name := range []string{"lookup", "gnark-std"} {
		b.Run(name, func(b *testing.B) {
			var one, two int
			for range b.N {
				one, two = count(b, i == 1, 1), count(b, i == 1, 2)
			}
			per[i] = two - one
			b.ReportMetric(float64(two-one), "constraints/permutation")
			b.ReportMetric(float64(2*one-two), "fixed-constraints")
			if i == 1 && per[0] > 0 {
				b.ReportMetric(float64(per[1])/float64(per[0]), "x-lookup")
			}
		})
	}
}
