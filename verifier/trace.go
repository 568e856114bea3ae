package verifier

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"
)

// Step is one executed instruction of the traced call frame.
type Step struct {
	// PC is the program counter, Op the instruction there.
	PC uint64
	Op vm.OpCode
	// Stack is the stack before the step, bottom first.
	Stack []uint256.Int
}

// StorageSlot is one storage slot the call touched: its value before the
// call and after it.
type StorageSlot struct {
	Key, Initial, Final common.Hash
}

// Trace is the execution of one call frame as go-ethereum ran it: the
// inputs the proof binds, every step, and the outcome.
type Trace struct {
	// Code is the executed contract's code, Calldata its input.
	Code, Calldata []byte
	// Caller is msg.sender, Origin tx.origin, Address the executing contract.
	Caller, Origin, Address common.Address
	// Value is msg.value.
	Value uint256.Int
	// Steps are the executed instructions in order; the last one halts.
	Steps []Step
	// Storage lists the slots the call read or wrote, sorted by key.
	Storage []StorageSlot
	// ReturnData is what the call returned (or its revert data); Reverted
	// says whether it reverted.
	ReturnData []byte
	Reverted   bool
}

// Recorder captures a Trace from go-ethereum's tracing hooks. It records
// the outermost call frame; a call that enters another frame cannot be
// proven and is reported by Trace. Storage values before a first SSTORE
// are read from the state given by OnTxStart.
type Recorder struct {
	trace    Trace
	storage  map[common.Hash]*StorageSlot
	nested   *Step
	exitErr  error
	finished bool
	sloadKey *common.Hash
	state    tracing.StateDB
	// blind is set when a slot was first written with no state to read
	// its value before (no OnTxStart).
	blind bool
}

// NewRecorder returns a recorder; install Hooks on the EVM that runs the
// call.
func NewRecorder() *Recorder {
	return &Recorder{storage: make(map[common.Hash]*StorageSlot)}
}

// Hooks returns the tracing hooks that feed the recorder.
func (r *Recorder) Hooks() *tracing.Hooks {
	return &tracing.Hooks{
		OnTxStart: r.onTxStart,
		OnEnter:   r.onEnter,
		OnExit:    r.onExit,
		OnOpcode:  r.onOpcode,
	}
}

func (r *Recorder) onTxStart(ctx *tracing.VMContext, tx *types.Transaction, from common.Address) {
	r.state = ctx.StateDB
	r.trace.Origin = from
}

func (r *Recorder) onEnter(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
	if depth == 0 {
		r.trace.Caller, r.trace.Address = from, to
		r.trace.Calldata = common.CopyBytes(input)
		if value != nil {
			r.trace.Value.SetFromBig(value)
		}
	}
}

func (r *Recorder) onExit(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	if depth != 0 {
		return
	}
	r.finishSload(nil)
	r.trace.ReturnData = common.CopyBytes(output)
	r.trace.Reverted = reverted
	r.finished = true
	if err != nil && !errors.Is(err, vm.ErrExecutionReverted) {
		r.exitErr = err
	}
}

func (r *Recorder) onOpcode(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
	if depth != 1 {
		return
	}
	stack := scope.StackData()
	r.finishSload(stack)
	if r.trace.Code == nil {
		r.trace.Code = common.CopyBytes(scope.ContractCode())
	}
	step := Step{PC: pc, Op: vm.OpCode(op), Stack: slices.Clone(stack)}
	r.trace.Steps = append(r.trace.Steps, step)
	switch vm.OpCode(op) {
	case vm.SLOAD:
		if len(stack) > 0 {
			key := common.Hash(stack[len(stack)-1].Bytes32())
			r.sloadKey = &key
		}
	case vm.SSTORE:
		if len(stack) > 1 && err == nil {
			key := common.Hash(stack[len(stack)-1].Bytes32())
			s, ok := r.storage[key]
			if !ok {
				var prev common.Hash
				if r.state != nil {
					prev = r.state.GetState(scope.Address(), key)
				} else {
					r.blind = true
				}
				s = &StorageSlot{Key: key, Initial: prev}
				r.storage[key] = s
			}
			s.Final = common.Hash(stack[len(stack)-2].Bytes32())
		}
	case vm.CALL, vm.CALLCODE, vm.DELEGATECALL, vm.STATICCALL, vm.CREATE, vm.CREATE2:
		if r.nested == nil {
			r.nested = &r.trace.Steps[len(r.trace.Steps)-1]
		}
	}
}

// finishSload records the value an SLOAD produced, now on top of stack.
func (r *Recorder) finishSload(stack []uint256.Int) {
	if r.sloadKey == nil {
		return
	}
	key := *r.sloadKey
	r.sloadKey = nil
	if _, seen := r.storage[key]; seen || len(stack) == 0 {
		return
	}
	v := common.Hash(stack[len(stack)-1].Bytes32())
	r.storage[key] = &StorageSlot{Key: key, Initial: v, Final: v}
}

// Trace returns the recorded trace, or an error if the call entered
// another frame or halted exceptionally.
func (r *Recorder) Trace() (*Trace, error) {
	if !r.finished {
		return nil, fmt.Errorf("%w: the call did not finish", ErrExecution)
	}
	if r.nested != nil {
		return nil, unsupported(r.nested.Op, r.nested.PC)
	}
	if r.exitErr != nil {
		return nil, fmt.Errorf("%w: %w", ErrExecution, r.exitErr)
	}
	if r.blind {
		return nil, fmt.Errorf("%w: a slot was written before it was read, and the recorder had no state to read its old value: install the hooks so that OnTxStart is called", ErrExecution)
	}
	t := r.trace
	t.Storage = make([]StorageSlot, 0, len(r.storage))
	for _, s := range r.storage {
		t.Storage = append(t.Storage, *s)
	}
	slices.SortFunc(t.Storage, func(a, b StorageSlot) int { return a.Key.Cmp(b.Key) })
	return &t, nil
}

func unsupported(op vm.OpCode, pc uint64) error {
	return fmt.Errorf("%w: opcode %s (0x%02x) at pc %d", ErrUnsupported, op, byte(op), pc)
}

// Call describes one call to trace with TraceCall.
type Call struct {
	// Code is the contract's runtime code; Storage its storage before the
	// call.
	Code    []byte
	Storage map[common.Hash]common.Hash
	// Address is the contract's address, Caller the sender (also the
	// transaction's origin), Value msg.value, Input the calldata.
	Address, Caller common.Address
	Value           *big.Int
	Input           []byte
}

// TraceCall runs one call on go-ethereum's EVM over a fresh in-memory state
// and returns its trace.
func TraceCall(c Call) (*Trace, error) {
	rec := NewRecorder()
	if err := runCall(c, rec.Hooks()); err != nil {
		return nil, err
	}
	return rec.Trace()
}

// runCall runs c on a fresh in-memory state with the given hooks. Only
// an error before the call ran is returned: its outcome is the hooks'.
func runCall(c Call, hooks *tracing.Hooks) error {
	db := state.NewDatabase(triedb.NewDatabase(rawdb.NewMemoryDatabase(), nil), nil)
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return fmt.Errorf("verifier: state: %w", err)
	}
	st.SetCode(c.Address, c.Code, tracing.CodeChangeUnspecified)
	for k, v := range c.Storage {
		st.SetState(c.Address, k, v)
	}
	value := c.Value
	if value == nil {
		value = new(big.Int)
	}
	st.AddBalance(c.Caller, uint256.MustFromBig(new(big.Int).Add(value, big.NewInt(params.Ether))), tracing.BalanceChangeUnspecified)
	cfg := &runtime.Config{
		Origin:    c.Caller,
		Value:     value,
		GasLimit:  30_000_000,
		State:     st,
		EVMConfig: vm.Config{Tracer: hooks},
	}
	_, _, _ = runtime.Call(c.Address, c.Input, cfg) // the outcome is in the hooks
	return nil
}
