package verifier

import (
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

func init() {
	solver.RegisterHint(keyGapHint, lessThanHint, partHint)
}

// keyGapHint returns cur - prev - 1 as (hi, lo) limbs and the borrow out
// of the low limb, for keys given as (prevHi, prevLo, curHi, curLo).
func keyGapHint(_ *big.Int, in, out []*big.Int) error {
	prev := new(big.Int).Add(new(big.Int).Lsh(in[0], 128), in[1])
	cur := new(big.Int).Add(new(big.Int).Lsh(in[2], 128), in[3])
	d := new(big.Int).Sub(cur, prev)
	d.Sub(d, big.NewInt(1))
	if d.Sign() < 0 {
		// Not increasing: any output fails the range checks.
		d.Add(d, new(big.Int).Lsh(big.NewInt(1), 256))
	}
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	out[0].Rsh(d, 128)
	out[1].And(d, mask)
	lo := new(big.Int).Sub(in[3], in[1])
	lo.Sub(lo, big.NewInt(1))
	if lo.Sign() < 0 {
		out[2].SetInt64(1)
	} else {
		out[2].SetInt64(0)
	}
	return nil
}

// lessThanHint returns 1 if in[0] < in[1], else 0.
func lessThanHint(_ *big.Int, in, out []*big.Int) error {
	if in[0].Cmp(in[1]) < 0 {
		out[0].SetInt64(1)
	} else {
		out[0].SetInt64(0)
	}
	return nil
}

// partHint returns 1 if in[0] == in[1] and in[2] != 0: the word index j
// that holds the partly returned bytes (full words in[1], rest in[2]).
func partHint(_ *big.Int, in, out []*big.Int) error {
	if in[0].Cmp(in[1]) == 0 && in[2].Sign() != 0 {
		out[0].SetInt64(1)
	} else {
		out[0].SetInt64(0)
	}
	return nil
}
