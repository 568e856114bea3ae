package keccak

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"
)

// splitCircuit looks Idx up in the split table of shift S and checks
// the parts are Hi and Lo.
type splitCircuit struct {
	S      int `gnark:"-"`
	Idx    [3]frontend.Variable
	Hi, Lo [3]frontend.Variable
}

func (c *splitCircuit) Define(api frontend.API) error {
	hi, lo := newSplitTable(api, c.S).lookup(c.Idx[:])
	for j := range hi {
		api.AssertIsEqual(hi[j], c.Hi[j])
		api.AssertIsEqual(lo[j], c.Lo[j])
	}
	return nil
}

// TestSplitTable checks the split table's argument: honest parts solve;
// parts the hint forges for the second query (the witness agreeing with
// them) are refused by the argument alone, even where they add up to the
// same nibble, or swap with another row's.
func TestSplitTable(t *testing.T) {
	idx := [3]int{0x123, 0xfff, 0x0a5}
	forgeries := []struct {
		name  string
		forge func(s int, hi, lo *big.Int)
	}{
		{"the same nibble, one more in the top bits", func(s int, hi, lo *big.Int) {
			hi.Add(hi, big.NewInt(1))
			lo.Sub(lo, big.NewInt(1<<(4-s)))
		}},
		{"a low part out of range", func(s int, hi, lo *big.Int) { lo.Add(lo, big.NewInt(1<<(4-s))) }},
		{"another row's parts", func(s int, hi, lo *big.Int) {
			h, l := splitOf(s, 0x124)
			hi.SetInt64(int64(h))
			lo.SetInt64(int64(l))
		}},
	}
	for s := 1; s < 4; s++ {
		assignment := func(change func(s int, hi, lo *big.Int)) *splitCircuit {
			a := &splitCircuit{S: s}
			for j, i := range idx {
				h, l := splitOf(s, i)
				hi, lo := big.NewInt(int64(h)), big.NewInt(int64(l))
				if j == 1 && change != nil {
					change(s, hi, lo)
				}
				a.Idx[j], a.Hi[j], a.Lo[j] = i, hi, lo
			}
			return a
		}
		field := ecc.BLS12_377.ScalarField()
		t.Run(fmt.Sprintf("shift %d, honest", s), func(t *testing.T) {
			require.NoError(t, test.IsSolved(&splitCircuit{S: s}, assignment(nil), field))
		})
		for _, f := range forgeries {
			t.Run(fmt.Sprintf("shift %d, %s", s, f.name), func(t *testing.T) {
				forged := func(m *big.Int, in, out []*big.Int) error {
					if err := splitHint(m, in, out); err != nil {
						return err
					}
					if len(in) == 4 {
						f.forge(s, out[2], out[3])
						out[2].Mod(out[2], m)
						out[3].Mod(out[3], m)
					}
					return nil
				}
				a := assignment(f.forge)
				err := test.IsSolved(&splitCircuit{S: s}, a, field, test.WithReplacementHint(solver.GetHintID(splitHint), forged))
				require.Error(t, err)
			})
		}
	}
}
