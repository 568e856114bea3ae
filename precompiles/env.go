package precompiles

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/evm/l1"
)

// Addresses of the precompiles (Taiko's TIP-0001 draft).
var (
	L1CallAddress         = common.HexToAddress("0x0000000000000000000000000000000000001000")
	L1DelegateCallAddress = common.HexToAddress("0x0000000000000000000000000000000000001001")
	L1SandboxCallAddress  = common.HexToAddress("0x0000000000000000000000000000000000001002")
)

// Addresses lists the three precompile addresses, which are warm from the
// start of every L2 transaction.
func Addresses() []common.Address {
	return []common.Address{L1CallAddress, L1DelegateCallAddress, L1SandboxCallAddress}
}

// AliasOffset is added to the address of an L2 contract whose code differs
// from the code at the same address on L1, so it cannot act on L1 as that
// L1 contract.
var AliasOffset = common.HexToAddress("0x1111000000000000000000000000000000001111")

// BaseGas is the fixed cost of every precompile call, charged on top of the
// gas the L1 execution used.
const BaseGas = 200

// Alias returns addr + AliasOffset modulo 2^160.
func Alias(addr common.Address) common.Address {
	a := new(big.Int).SetBytes(addr[:])
	a.Add(a, new(big.Int).SetBytes(AliasOffset[:]))
	return common.BigToAddress(a)
}

// frame is one L2 call frame as the tracing hooks saw it enter.
type frame struct {
	typ      vm.OpCode
	from     common.Address // the account whose code made the call
	to       common.Address // callee (code address for DELEGATECALL/CALLCODE)
	context  common.Address // address(this) of the frame
	sender   common.Address // msg.sender of the frame
	value    uint256.Int    // msg.value of the frame
	gas      uint64         // execution gas the frame started with
	static   bool           // the frame runs in a static context
	creating bool           // the frame runs init code
}

// Env connects the precompiles to the L2 EVM that runs them and to the L1
// view they read and write. One Env serves one L2 EVM; it is not safe for
// concurrent use.
type Env struct {
	view   *l1.View
	l2     *vm.EVM
	frames []frame
	user   *tracing.Hooks

	pending pendingResult
	err     error
}

type pendingResult struct {
	set bool
	ret []byte
	err error
}

// NewEnv returns an Env over an L1 view. user, if not nil, are the caller's
// own tracing hooks; [Env.Hooks] joins them with the Env's.
func NewEnv(view *l1.View, user *tracing.Hooks) *Env {
	return &Env{view: view, user: user}
}

// View returns the L1 view the precompiles run against.
func (e *Env) View() *l1.View { return e.view }

// Bind attaches the L2 EVM. Call it once the EVM exists, before it runs.
func (e *Env) Bind(evm *vm.EVM) { e.l2 = evm }

// Err returns the first failure that must end the batch (an L1 source
// error, hooks not installed), if any.
func (e *Env) Err() error { return e.err }

// Contracts returns base with the three precompiles added.
func (e *Env) Contracts(base vm.PrecompiledContracts) vm.PrecompiledContracts {
	out := make(vm.PrecompiledContracts, len(base)+3)
	for a, p := range base {
		out[a] = p
	}
	out[L1CallAddress] = &precompile{env: e, kind: kindCall, name: "L1CALL"}
	out[L1DelegateCallAddress] = &precompile{env: e, kind: kindDelegateCall, name: "L1DELEGATECALL"}
	out[L1SandboxCallAddress] = &precompile{env: e, kind: kindSandboxCall, name: "L1SANDBOXCALL"}
	return out
}

// Hooks returns tracing hooks for the L2 EVM: the Env's frame tracking
// joined with the user's hooks, which see every event as they would
// without the Env.
func (e *Env) Hooks() *tracing.Hooks {
	h := new(tracing.Hooks)
	if e.user != nil {
		*h = *e.user
	}
	h.OnEnter, h.OnExit = nil, nil
	h.OnEnterV2 = e.onEnter
	h.OnExitV2 = e.onExit
	return h
}

func (e *Env) onEnter(depth int, typ byte, from, to common.Address, input []byte, gas tracing.Gas, value *big.Int) {
	f := frame{typ: vm.OpCode(typ), from: from, to: to, gas: gas.Execution}
	if value != nil {
		f.value.SetFromBig(value)
	}
	var parent *frame
	if n := len(e.frames); n > 0 {
		parent = &e.frames[n-1]
		f.static = parent.static
	}
	switch f.typ {
	case vm.DELEGATECALL:
		f.context = from
		if parent != nil {
			f.sender = parent.sender
		}
	case vm.CALLCODE:
		f.context, f.sender = from, from
	case vm.CREATE, vm.CREATE2:
		f.context, f.sender, f.creating = to, from, true
	case vm.STATICCALL:
		f.context, f.sender, f.static = to, from, true
	default:
		f.context, f.sender = to, from
	}
	e.frames = append(e.frames, f)
	if u := e.user; u != nil {
		if u.OnEnterV2 != nil {
			u.OnEnterV2(depth, typ, from, to, input, gas, value)
		} else if u.OnEnter != nil {
			u.OnEnter(depth, typ, from, to, input, gas.Execution, value)
		}
	}
}

func (e *Env) onExit(depth int, output []byte, gasLeft tracing.Gas, err error, reverted bool) {
	var start uint64
	if n := len(e.frames); n > 0 {
		start = e.frames[n-1].gas
		e.frames = e.frames[:n-1]
	}
	if u := e.user; u != nil {
		if u.OnExitV2 != nil {
			u.OnExitV2(depth, output, gasLeft, err, reverted)
		} else if u.OnExit != nil {
			var used uint64
			if start > gasLeft.Execution {
				used = start - gasLeft.Execution
			}
			u.OnExit(depth, output, used, err, reverted)
		}
	}
}

// EndTx forgets the frames of the transaction that ended; a transaction
// rejected before execution leaves none, an executed one leaves none either
// when every enter had its exit.
func (e *Env) EndTx() { e.frames = e.frames[:0] }

func (e *Env) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}
