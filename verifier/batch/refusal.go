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
	// long: the input holds a target (its length is below 2^16).
	long := api.ToBinary(api.Add(call.Len, 1<<16-20), 17)[16]
	valueZero := api.Mul(api.IsZero(call.Value.Hi), api.IsZero(call.Value.Lo))
	refused := api.Mul(isBooster, api.Sub(1, api.Mul(long, valueZero)))
	if len(call.Ret) == 0 {
		// No return word to prove the error by: refused.
		api.AssertIsEqual(refused, 0)
		return refused
	}
	api.AssertIsEqual(api.Mul(refused, call.Success), 0)
	api.AssertIsEqual(api.Mul(refused, api.Sub(call.RetLen, 4)), 0)
	word := api.Select(long, valueNotAllowedWord, invalidInputWord)
	api.AssertIsEqual(api.Mul(refused, api.Sub(call.Ret[0].Hi, word)), 0)
	api.AssertIsEqual(api.Mul(refused, call.Ret[0].Lo), 0)
	for _, w := range call.Ret[1:] {
		api.AssertIsEqual(api.Mul(refused, w.Hi), 0)
		api.AssertIsEqual(api.Mul(refused, w.Lo), 0)
	}
	return refused
}

// directRefusal proves, for a transaction whose recipient is L1CALL
// where isL1Call is 1, where the precompile refuses it (its calldata,
// dataLen bytes, shorter than a target, or its value nonzero): the
// transaction failed (success) with the refusal's 4 bytes as its return
// data (retLen, ret) and no logs. It returns 1 for such a transaction,
// which enters no frame, and 0 otherwise.
func directRefusal(api frontend.API, isL1Call, dataLen frontend.Variable, value [2]frontend.Variable, success, retLen frontend.Variable, ret []verifier.Word, logs [2]frontend.Variable) frontend.Variable {
	long := api.ToBinary(api.Add(dataLen, 1<<16-20), 17)[16]
	valueZero := api.Mul(api.IsZero(value[0]), api.IsZero(value[1]))
	refused := api.Mul(isL1Call, api.Sub(1, api.Mul(long, valueZero)))
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
	api.AssertIsEqual(api.Mul(refused, logs[0]), 0)
	api.AssertIsEqual(api.Mul(refused, logs[1]), 0)
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

// checkRefusal checks a refused call (refusedCall) as a frame segment of
// shape s proves it: it failed with the refusal's error as its return
// data. A failure without it (out of gas before the refusal: gas is not
// proven) is refused with verifier.ErrUnsupported, and so is a shape
// that keeps no return word of a call.
func checkRefusal(call trace.FrameCall, s verifier.Shape) error {
	want := precompiles.ErrValueNotAllowed.Encode()
	if len(call.Input) < common.AddressLength {
		want = precompiles.ErrInvalidInput.Encode()
	}
	switch {
	case s.CallReturn == 0:
		return fmt.Errorf("%w: the %s refusal of a call, shape %s keeps no return word of a call", verifier.ErrCapacity, precompileName(call.Callee()), s.Name())
	case call.Success || !bytes.Equal(call.ReturnData, want):
		return fmt.Errorf("%w: a call of %s it refuses that did not fail with its error %x (out of gas is not proven)", verifier.ErrUnsupported, precompileName(call.Callee()), want)
	}
	return nil
}
