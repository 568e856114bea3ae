package batch

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
)

// feOf is an assigned value as a field element.
func feOf(v frontend.Variable) fr.Element {
	var e fr.Element
	switch x := v.(type) {
	case *big.Int:
		e.SetBigInt(x)
	case int:
		e.SetInt64(int64(x))
	case uint64:
		e.SetUint64(x)
	case fr.Element:
		e = x
	default:
		panic("feOf: unexpected value")
	}
	return e
}

// fesOf is feOf of each value.
func fesOf(vs []frontend.Variable) []fr.Element {
	out := make([]fr.Element, len(vs))
	for i, v := range vs {
		out[i] = feOf(v)
	}
	return out
}

// memOf is an assigned storage argument state outside the circuit.
func memOf(m memory) memState {
	return memState{alpha: feOf(m.Alpha), beta: feOf(m.Beta), time: feOf(m.Time), acc: feOf(m.Acc), sum: feOf(m.Sum),
		lastOwner: feOf(m.LastOwner), lastHi: feOf(m.LastHi), lastLo: feOf(m.LastLo)}
}

// headerMem is the storage argument state the header segment a hands on.
func headerMem(a *headerSegment) memState {
	return memState{alpha: feOf(a.Alpha), beta: feOf(a.Beta)}
}

// isOne reports whether an assigned value is 1.
func isOne(v frontend.Variable) bool {
	e := feOf(v)
	return e.IsOne()
}
