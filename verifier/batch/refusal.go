package batch

import (
	"bytes"
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// The booster precompiles' refusals (SPEC §1): a call of L1CALL,
// L1DELEGATECALL or L1SANDBOXCALL with an input shorter than the 20
// bytes of its target fails with L1CallInvalidInput(), and one with
// value (an input long enough) with L1CallValueNotAllowed(), as revert
// data, entering no frame. A frame segment proves such a call itself.

// invalidInputWord and valueNotAllowedWord are the high halves of the
// first return word of the two refusals: their 4-byte selectors,
// left-aligned.
var (
	invalidInputWord    = refusalWord(precompiles.ErrInvalidInput.Encode())
	valueNotAllowedWord = refusalWord(precompiles.ErrValueNotAllowed.Encode())
)

// refusalWord is the high half of a return word that starts with the 4
// bytes of sel.
func refusalWord(sel []byte) *big.Int {
	return new(big.Int).Lsh(new(big.Int).SetBytes(sel[:4]), 96)
}

// precompileRefusal proves, for a call entry whose callee is to and
// that is not a DELEGATECALL (direct), where it is a booster
// precompile's refusal: the call failed with the refusal's 4 bytes as
// its return data. It returns 1 for such a call (which enters no frame)
// and 0 otherwise.
func precompileRefusal(api frontend.API, call *verifier.CallEntry, to, direct frontend.Variable) frontend.Variable {
	isBooster := api.Mul(direct, api.Add(api.IsZero(api.Sub(to, l1CallAddress)), api.IsZero(api.Sub(to, l1DelegateCallAddress)),
		api.IsZero(api.Sub(to, l1SandboxCallAddress))))
	return refusal(api, isBooster, call.Len, [2]frontend.Variable{call.Value.Hi, call.Value.Lo}, call.Success, call.RetLen, call.Ret)
}

// directRefusal proves, for a transaction whose recipient is L1CALL
// where isL1Call is 1, where the precompile refuses it (its calldata,
// dataLen bytes, shorter than a target, or its value nonzero): the
// transaction failed (success) with the refusal's 4 bytes as its return
// data (retLen, ret) and no logs. It returns 1 for such a transaction,
// which enters no frame, and 0 otherwise.
func directRefusal(api frontend.API, isL1Call, dataLen frontend.Variable, value [2]frontend.Variable, success, retLen frontend.Variable, ret []verifier.Word, logs [2]frontend.Variable) frontend.Variable {
	refused := refusal(api, isL1Call, dataLen, value, success, retLen, ret)
	api.AssertIsEqual(api.Mul(refused, logs[0]), 0)
	api.AssertIsEqual(api.Mul(refused, logs[1]), 0)
	return refused
}

// refusal proves, for a call of a booster precompile where isBooster is
// 1, with an input of length bytes (below 2^16) and value, where the
// precompile refuses it (an input shorter than a target, checked first,
// or value): it failed (success) with the refusal's 4 bytes as its
// return data (retLen, ret). It returns 1 for a refused call and 0
// otherwise; with no return word to prove the error by, refusals are
// refused.
func refusal(api frontend.API, isBooster, length frontend.Variable, value [2]frontend.Variable, success, retLen frontend.Variable, ret []verifier.Word) frontend.Variable {
	// long: the input holds a target.
	long := api.ToBinary(api.Add(length, 1<<16-20), 17)[16]
	valueZero := api.Mul(api.IsZero(value[0]), api.IsZero(value[1]))
	refused := api.Mul(isBooster, api.Sub(1, api.Mul(long, valueZero)))
	if len(ret) == 0 {
		api.AssertIsEqual(refused, 0)
		return refused
	}
	api.AssertIsEqual(api.Mul(refused, success), 0)
	api.AssertIsEqual(api.Mul(refused, api.Sub(retLen, 4)), 0)
	word := api.Select(long, valueNotAllowedWord, invalidInputWord)
	api.AssertIsEqual(api.Mul(refused, api.Sub(ret[0].Hi, word)), 0)
	api.AssertIsEqual(api.Mul(refused, ret[0].Lo), 0)
	for _, w := range ret[1:] {
		api.AssertIsEqual(api.Mul(refused, w.Hi), 0)
		api.AssertIsEqual(api.Mul(refused, w.Lo), 0)
	}
	return refused
}

// Outside the circuit.

// isBoosterPrecompile reports whether to is L1CALL, L1DELEGATECALL or
// L1SANDBOXCALL.
func isBoosterPrecompile(to common.Address) bool {
	return enteringL1(to) || to == precompiles.L1DelegateCallAddress
}

// refusedCall reports whether call is one a booster precompile refuses
// (precompileRefusal): not a DELEGATECALL, with an input shorter than
// its target or with value.
func refusedCall(call trace.FrameCall) bool {
	return isBoosterPrecompile(call.Callee()) && call.Op != vm.DELEGATECALL && (len(call.Input) < common.AddressLength || !call.Value.IsZero())
}

// refusalData is the revert data of a booster precompile's refusal of
// input (with value where not valueZero): L1CallInvalidInput() for an
// input shorter than a target, checked first, L1CallValueNotAllowed()
// for value; nil where it does not refuse them.
func refusalData(input []byte, valueZero bool) []byte {
	switch {
	case len(input) < common.AddressLength:
		return precompiles.ErrInvalidInput.Encode()
	case !valueZero:
		return precompiles.ErrValueNotAllowed.Encode()
	}
	return nil
}

// checkRefusal checks a refused call (refusedCall) as a frame segment of
// shape s proves it: it failed with the refusal's error as its return
// data. A failure without it (out of gas before the refusal: gas is not
// proven) is refused with verifier.ErrUnsupported, and so is a shape
// that keeps no return word of a call.
func checkRefusal(call trace.FrameCall, s verifier.Shape) error {
	want := refusalData(call.Input, call.Value.IsZero())
	switch {
	case s.CallReturn == 0:
		return fmt.Errorf("%w: the %s refusal of a call, shape %s keeps no return word of a call", verifier.ErrCapacity, precompileName(call.Callee()), s.Name())
	case call.Success || !bytes.Equal(call.ReturnData, want):
		return fmt.Errorf("%w: a call of %s it refuses that did not fail with its error %x (out of gas is not proven)", verifier.ErrUnsupported, precompileName(call.Callee()), want)
	}
	return nil
}
