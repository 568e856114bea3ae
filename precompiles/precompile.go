package precompiles

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

type kind uint8

const (
	kindCall kind = iota
	kindDelegateCall
	kindSandboxCall
)

// precompile is one of the three. go-ethereum asks RequiredGas(input) and
// then, if the caller can pay, Run(input); the L1 execution happens in
// RequiredGas, where the gas it used becomes the price, and Run hands back
// its result.
type precompile struct {
	env  *Env
	kind kind
	name string
}

func (p *precompile) Name() string { return p.name }

func (p *precompile) RequiredGas(input []byte) uint64 {
	e := p.env
	n := len(e.frames)
	if n == 0 || e.l2 == nil {
		e.fail(ErrNoFrame)
		e.pending = pendingResult{set: true, err: ErrNoFrame}
		return 0
	}
	f := e.frames[n-1]
	var caller *frame
	if n >= 2 {
		caller = &e.frames[n-2]
	}
	if f.gas < BaseGas {
		e.pending = pendingResult{}
		return BaseGas // more than the caller has: out of gas
	}
	budget := f.gas - BaseGas
	switch {
	case len(input) < common.AddressLength:
		e.pending = reverted(ErrInvalidInput.Encode())
		return BaseGas
	case !f.value.IsZero():
		e.pending = reverted(ErrValueNotAllowed.Encode())
		return BaseGas
	}
	target := common.BytesToAddress(input[:common.AddressLength])
	data := input[common.AddressLength:]
	var used uint64
	if p.kind == kindDelegateCall {
		e.pending, used = p.delegateCall(&f, caller, target, data, budget)
	} else {
		e.pending, used = p.l1Call(&f, target, data, budget)
	}
	return BaseGas + used
}

func (p *precompile) Run(input []byte) ([]byte, error) {
	r := p.env.pending
	p.env.pending = pendingResult{}
	if !r.set {
		return nil, vm.ErrOutOfGas
	}
	return r.ret, r.err
}

func reverted(data []byte) pendingResult {
	return pendingResult{set: true, ret: data, err: vm.ErrExecutionReverted}
}

// outcome turns an EVM call result into the precompile's result and the
// gas the call consumed: all of it unless it succeeded or reverted.
func outcome(ret []byte, err error, budget, left uint64) (pendingResult, uint64) {
	switch {
	case err == nil:
		return pendingResult{set: true, ret: ret}, budget - left
	case errors.Is(err, vm.ErrExecutionReverted):
		return reverted(ret), budget - left
	default:
		return pendingResult{set: true, err: err}, budget
	}
}

// l1Call runs L1CALL and L1SANDBOXCALL.
func (p *precompile) l1Call(f *frame, target common.Address, data []byte, budget uint64) (pendingResult, uint64) {
	e := p.env
	view := e.view
	snap := view.Snapshot()
	sender := e.l1Sender(f)
	evm := view.NewEVM(e.l2.TxContext.Origin)
	view.BeginCall(evm.Cancel)
	ret, left, err := evm.Call(sender, target, data, vm.NewGasBudget(budget, 0), new(uint256.Int))
	violation, wrote := view.EndCall()
	res, used := outcome(ret, err, budget, left.ExecutionGas)

	if srcErr := view.Err(); srcErr != nil {
		view.RevertToSnapshot(snap)
		err := fmt.Errorf("%w: %w", ErrL1Source, srcErr)
		e.fail(err)
		return pendingResult{set: true, err: err}, budget
	}
	// Writes count only when they stay: a sandbox, a revert, a violation
	// or a static refusal throws them away. Reads count whatever the
	// outcome, since the outcome depended on them.
	keepsWrites := p.kind == kindCall && violation == nil && !(f.static && wrote) && (err == nil)
	if bad := view.Unsettleable(keepsWrites); bad != nil {
		view.RevertToSnapshot(snap)
		view.ForgetUnsettleableReads()
		return reverted(unsettleable(bad.Contract, bad.Selector)), used
	}
	switch {
	case violation != nil:
		view.RevertToSnapshot(snap)
		return reverted(unsupported(violation.Opcode, violation.Contract)), used
	case p.kind == kindCall && f.static && wrote:
		view.RevertToSnapshot(snap)
		return reverted(ErrStaticViolation.Encode()), used
	case p.kind == kindSandboxCall:
		view.RevertToSnapshot(snap)
	}
	return res, used
}

// l1Sender is msg.sender of the L1 execution: the L2 account whose code
// called the precompile (whatever the call type, so a contract cannot
// DELEGATECALL the precompile to act as its own caller), aliased when it is
// a contract whose code is not the code at its address on L1.
func (e *Env) l1Sender(f *frame) common.Address {
	caller := f.from
	if n := len(e.frames); n >= 2 && e.frames[n-2].creating && e.frames[n-2].context == caller {
		return Alias(caller) // init code: no code to compare yet
	}
	l2Hash := e.l2.StateDB.GetCodeHash(caller)
	if l2Hash == (common.Hash{}) || l2Hash == types.EmptyCodeHash {
		return caller
	}
	if e.view.CodeHash(caller) == l2Hash {
		return caller
	}
	return Alias(caller)
}

// delegateCall runs the L1 contract's code in the calling L2 frame's
// context, like DELEGATECALL.
func (p *precompile) delegateCall(f, caller *frame, target common.Address, data []byte, budget uint64) (pendingResult, uint64) {
	e := p.env
	code := e.view.Code(target)
	if err := e.view.Err(); err != nil {
		err = fmt.Errorf("%w: %w", ErrL1Source, err)
		e.fail(err)
		return pendingResult{set: true, err: err}, budget
	}
	if len(code) == 0 {
		return pendingResult{set: true}, 0
	}
	sender, value := f.from, new(uint256.Int)
	if caller != nil {
		sender, value = caller.sender, caller.value.Clone()
	}
	contract := vm.NewContract(sender, f.from, value, vm.NewGasBudget(budget, 0), nil)
	contract.SetCallCode(e.view.CodeHash(target), code)
	snap := e.l2.StateDB.Snapshot()
	ret, err := e.l2.Run(contract, data, f.static)
	if err != nil {
		e.l2.StateDB.RevertToSnapshot(snap)
	}
	return outcome(ret, err, budget, contract.Gas.ExecutionGas)
}
