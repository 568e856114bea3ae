package batch

import (
	"github.com/consensys/gnark/frontend"

	"github.com/boosterkit/go-booster/verifier"
)

// Ethereum's precompiles whose calls a frame segment proves by claims
// that segments of their own write (ecrecover.go, sha256.go).

// precompileCall constrains, where on is 1, what the calls of the
// precompiles proven by claims share: no value; a failed call (only
// running out of gas fails one: gas is not proven) returns nothing; the
// return words past the first are zero. It returns whether the call
// returned (on and Success), and the claim's key: the digest of the
// call's first words input words (zero past the input, as the
// precompiles pad it), after its input length where withLen.
func precompileCall(api frontend.API, call *verifier.CallEntry, on frontend.Variable, words int, withLen bool) (ok, key frontend.Variable, err error) {
	api.AssertIsEqual(api.Mul(on, call.Value.Hi), 0)
	api.AssertIsEqual(api.Mul(on, call.Value.Lo), 0)
	ok = api.Mul(on, call.Success)
	api.AssertIsEqual(api.Mul(on, api.Sub(1, call.Success), call.RetLen), 0)
	for k := 1; k < len(call.Ret); k++ {
		api.AssertIsEqual(api.Mul(on, call.Ret[k].Hi), 0)
		api.AssertIsEqual(api.Mul(on, call.Ret[k].Lo), 0)
	}
	var input []frontend.Variable
	if withLen {
		input = append(input, call.Len)
	}
	for k := range words {
		if k < len(call.Data) {
			input = append(input, call.Data[k].Hi, call.Data[k].Lo)
		} else {
			input = append(input, 0, 0)
		}
	}
	key, err = hashVars(api, input...)
	return ok, key, err
}

// precompileUse is one distinct input of a precompile that frames claim
// the output of, and how many claims read it.
type precompileUse[K comparable] struct {
	input K
	uses  int
}

// precompileUses collects a batch's distinct inputs of one precompile
// whose outputs frames claim, in first-use order.
type precompileUses[K comparable] struct {
	byInput map[K]*precompileUse[K]
	order   []*precompileUse[K]
}

// use counts one more claim of input.
func (u *precompileUses[K]) use(input K) {
	if u.byInput == nil {
		u.byInput = map[K]*precompileUse[K]{}
	}
	e, seen := u.byInput[input]
	if !seen {
		e = &precompileUse[K]{input: input}
		u.byInput[input] = e
		u.order = append(u.order, e)
	}
	e.uses++
}
