package trace

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/precompiles"
)

// Frame is one call frame of a transaction: its trace, and the call that
// entered it.
type Frame struct {
	Trace *Trace
	// Parent is the index in Transaction.Frames of the frame that made
	// the call, -1 for the transaction's own call; Call is the call's
	// index in the parent's Trace.Calls.
	Parent, Call int
	// L1 is set for a frame the L1 EVM ran below L1CALL or
	// L1SANDBOXCALL; its parent is the L2 frame that called the
	// precompile.
	L1 bool
	// L1Code is set for the frame of an L1DELEGATECALL: an L2 frame, in
	// the calling frame's context (its address, caller, value and
	// storage), that runs the code of the L1 account its input names
	// (Trace.CodeAddress) on the rest of the input.
	L1Code bool
}

// Transaction is every call frame of one L2 transaction, in the order
// they were entered: L2 frames and the L1 frames below the precompiles.
// Each frame is proven on its own; Check ties them together.
type Transaction struct {
	Frames []Frame
}

// TxRecorder captures a Transaction from go-ethereum's tracing hooks:
// install Hooks on the L2 EVM and L1Hooks on the L1 EVM the precompiles
// run (evm.Config.L1Tracer). Each frame is recorded as a Recorder records
// the outermost one: its steps, its storage, its logs and the calls it
// made. Transaction returns what it recorded as one transaction,
// Transactions as the transactions that ran it. It is not safe for
// concurrent use.
type TxRecorder struct {
	frames  []*Recorder
	parents []int
	calls   []int
	l1      []bool
	l1Code  []bool
	stack   []int // open L2 frames
	l1Stack []int // open L1 frames
	ctx     *Context
	txStart func(*Recorder)
}

// NewTxRecorder returns a transaction recorder.
func NewTxRecorder() *TxRecorder { return &TxRecorder{txStart: func(*Recorder) {}} }

// SetContext sets the block and transaction context of the L2 frames (see
// Recorder.SetContext).
func (t *TxRecorder) SetContext(c Context) { t.ctx = &c }

// Hooks returns the tracing hooks for the L2 EVM.
func (t *TxRecorder) Hooks() *tracing.Hooks {
	return &tracing.Hooks{
		OnTxStart: func(ctx *tracing.VMContext, tx *types.Transaction, from common.Address) {
			t.txStart = func(r *Recorder) { r.onTxStart(ctx, tx, from) }
		},
		OnEnter: func(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
			t.enter(&t.stack, false, depth, typ, from, to, input, gas, value)
		},
		OnExit: func(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
			t.exit(&t.stack, depth, output, gasUsed, err, reverted)
		},
		OnOpcode: func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
			for _, f := range t.stack {
				t.frames[f].onOpcode(pc, op, gas, cost, scope, rData, depth, err)
			}
		},
	}
}

// L1Hooks returns the tracing hooks for the L1 EVM that L1CALL and
// L1SANDBOXCALL run. An L1 frame has no state to read a slot's value
// before its first write from: one it writes before it reads is refused.
func (t *TxRecorder) L1Hooks() *tracing.Hooks {
	return &tracing.Hooks{
		OnEnter: func(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
			t.enter(&t.l1Stack, true, depth, typ, from, to, input, gas, value)
		},
		OnExit: func(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
			t.exit(&t.l1Stack, depth, output, gasUsed, err, reverted)
		},
		OnOpcode: func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
			for _, f := range t.l1Stack {
				t.frames[f].onOpcode(pc, op, gas, cost, scope, rData, depth, err)
			}
		},
	}
}

func (t *TxRecorder) enter(stack *[]int, l1 bool, depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
	parent, call := -1, 0
	switch {
	case len(*stack) > 0:
		parent = (*stack)[len(*stack)-1]
	case l1 && len(t.stack) > 0:
		// An L1 frame's parent is the L2 frame that called the precompile,
		// below the precompile's own (codeless) frame.
		parent = t.stack[len(t.stack)-1]
		if n := len(t.stack); n >= 2 && len(t.frames[parent].trace.Steps) == 0 {
			parent = t.stack[n-2]
		}
	}
	if parent >= 0 {
		call = len(t.frames[parent].trace.Calls)
	}
	r := NewRecorder()
	r.base = depth
	if !l1 {
		t.txStart(r)
		if t.ctx != nil {
			r.SetContext(*t.ctx)
		}
	}
	if l1 {
		// The L1 EVM's hooks give no block: the frame's context is what
		// its environment steps push (the pinned L1 block's).
		r.fillContext = true
	}
	if l1 && len(t.stack) > 0 {
		// The L1 EVM runs with the L2 transaction's sender as tx.origin.
		r.trace.Origin = t.frames[t.stack[0]].trace.Origin
	}
	r.onEnter(depth, typ, from, to, input, gas, value)
	t.frames = append(t.frames, r)
	t.parents, t.calls, t.l1 = append(t.parents, parent), append(t.calls, call), append(t.l1, l1)
	t.l1Code = append(t.l1Code, !l1 && to == precompiles.L1DelegateCallAddress)
	*stack = append(*stack, len(t.frames)-1)
}

func (t *TxRecorder) exit(stack *[]int, depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	if len(*stack) == 0 {
		return
	}
	top := (*stack)[len(*stack)-1]
	t.frames[top].onExit(depth, output, gasUsed, err, reverted)
	*stack = (*stack)[:len(*stack)-1]
}

// Transaction returns the recorded frames, or the first frame's error
// (Recorder.Trace's). A frame that ran no code (a precompile, an account
// without code) has a trace without steps.
func (t *TxRecorder) Transaction() (*Transaction, error) {
	if len(t.frames) == 0 {
		return nil, fmt.Errorf("%w: no call recorded", ErrExecution)
	}
	tx := &Transaction{}
	for i := range t.frames {
		f, err := t.frame(i)
		if err != nil {
			return nil, fmt.Errorf("frame %d (%s): %w", i, t.frames[i].trace.Address, err)
		}
		tx.Frames = append(tx.Frames, f)
	}
	return tx, nil
}

// frame returns frame i as Transaction does, or its trace's error.
func (t *TxRecorder) frame(i int) (Frame, error) {
	r := t.frames[i]
	if !r.finished {
		return Frame{}, fmt.Errorf("%w: the frame did not finish", ErrExecution)
	}
	var tr *Trace
	if len(r.trace.Steps) == 0 {
		c := r.trace
		c.Storage = nil
		tr = &c
	} else {
		var err error
		if tr, err = r.Trace(); err != nil {
			return Frame{}, err
		}
	}
	return Frame{Trace: tr, Parent: t.parents[i], Call: t.calls[i], L1: t.l1[i], L1Code: t.l1Code[i]}, nil
}

// Transactions returns what the recorder recorded as the transactions
// that ran it, in order: every frame entered while no other was open
// starts the next transaction, and each transaction's frames are indexed
// from its own first one (Frame.Parent). It fails with the first
// transaction's error that Each gives.
// A recorder on a booster over one batch gives the executions of the
// batch's transactions, as batch.Witnesses takes them.
func (t *TxRecorder) Transactions() ([]*Transaction, error) {
	txs, errs := t.Each()
	if len(txs) == 0 {
		return nil, fmt.Errorf("%w: no call recorded", ErrExecution)
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i, err)
		}
	}
	return txs, nil
}

// Each returns what the recorder recorded as the transactions that ran
// it, as Transactions does, and for each the error that keeps its
// frames from being proven (nil where there is none: an unsupported
// opcode, an exceptional halt such as running out of gas, a frame that
// did not finish). A transaction with an error keeps its frames' traces
// as they were entered (address, caller, code, calldata, value; no
// steps, storage or calls), enough to tell which transaction it is, and
// one transaction's error does not touch the others'.
func (t *TxRecorder) Each() ([]*Transaction, []error) {
	var (
		txs  []*Transaction
		errs []error
		base int
	)
	for i, r := range t.frames {
		if t.parents[i] == -1 {
			txs, errs, base = append(txs, &Transaction{}), append(errs, nil), i
		}
		k := len(txs) - 1
		f, err := t.frame(i)
		if err != nil {
			if errs[k] == nil {
				errs[k] = fmt.Errorf("frame %d (%s): %w", i-base, r.trace.Address, err)
			}
			entered := r.trace
			entered.Steps, entered.Storage, entered.Transient, entered.Logs, entered.Calls, entered.Reads = nil, nil, nil, nil, nil, nil
			f = Frame{Trace: &entered, Parent: t.parents[i], Call: t.calls[i], L1: t.l1[i], L1Code: t.l1Code[i]}
		}
		if f.Parent >= 0 {
			f.Parent -= base
		}
		txs[k].Frames = append(txs[k].Frames, f)
	}
	return txs, errs
}

// Count returns how many transactions the recorder recorded (as
// Transactions and Each count them), without building their traces.
func (t *TxRecorder) Count() int {
	n := 0
	for _, p := range t.parents {
		if p == -1 {
			n++
		}
	}
	return n
}

// Reset forgets what the recorder recorded, keeping the hooks it handed
// out and the context SetContext gave.
func (t *TxRecorder) Reset() {
	*t = TxRecorder{ctx: t.ctx, txStart: func(*Recorder) {}}
}

// SlotWrite is a storage slot a transaction left changed: in L2 storage,
// or in L1 storage (L1) of an L1 contract.
type SlotWrite struct {
	L1             bool
	Address        common.Address
	Key, Value     common.Hash
	Initial, Final common.Hash
}

// slotKey names a storage slot of either layer.
type slotKey struct {
	l1   bool
	addr common.Address
	key  common.Hash
}

// Check ties the frames together from their public values alone
// (Trace.Public: a frame without code has no proof), as whoever verifies
// their proofs must: every call a frame made is the
// frame it entered (its address, caller, value and input; its outcome is
// the call's success flag and return data), L1CALL and L1SANDBOXCALL by
// SPEC §1 (the input is the target and its calldata; the L1 sender is the
// calling contract, aliased unless l1Code says the same code is at its
// address on L1; a revert comes back with its data), and the storage each
// frame starts from is what the frames before it left, undoing the writes
// of a frame that reverted and, with its L1 frames', of a sandboxed call.
// It returns the slots the transaction left changed, sorted by layer,
// address and key. l1Code may be nil (no contract has L1 code).
func (tx *Transaction) Check(l1Code func(common.Address) []byte) ([]SlotWrite, error) {
	if len(tx.Frames) == 0 || tx.Frames[0].Parent != -1 {
		return nil, fmt.Errorf("%w: no top frame", ErrLink)
	}
	// The frame each call entered: the L1 frame below a precompile in
	// place of the precompile's own codeless frame.
	l2Child, l1Child := map[[2]int]int{}, map[[2]int]int{}
	for i := 1; i < len(tx.Frames); i++ {
		f := tx.Frames[i]
		if f.Parent < 0 || f.Parent >= i {
			return nil, fmt.Errorf("%w: frame %d: parent %d is not a frame entered before it", ErrLink, i, f.Parent)
		}
		m := l2Child
		if f.L1 {
			m = l1Child
		}
		k := [2]int{f.Parent, f.Call}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%w: frame %d: call %d of frame %d entered twice", ErrLink, i, f.Call, f.Parent)
		}
		m[k] = i
	}
	children := l2Child
	for k, i := range l1Child {
		children[k] = i
	}
	// Transient storage: a frame's proof starts it at zero, right for the
	// first frame of an account in the transaction; a later one would
	// start from what the earlier ones left, which no proof binds.
	runs := map[slotKey]int{}
	for i, f := range tx.Frames {
		k := slotKey{l1: f.L1, addr: f.Trace.Address}
		if len(f.Trace.Code) == 0 {
			continue
		}
		if runs[k]++; runs[k] > 1 && bytes.IndexByte(f.Trace.Code, byte(vm.TSTORE)) >= 0 {
			return nil, fmt.Errorf("%w: frame %d runs %s again, whose code may keep transient storage (TSTORE) from frame to frame: not linked yet", ErrLink, i, f.Trace.Address)
		}
	}
	for i, f := range tx.Frames {
		p := f.Trace
		for c := range p.Calls {
			call := &p.Calls[c]
			child, ok := children[[2]int{i, c}]
			if err := tx.link(i, c, call, child, ok, l1Code); err != nil {
				return nil, fmt.Errorf("%w: frame %d, call %d (%s to %s): %w", ErrLink, i, c, call.Op, call.Callee(), err)
			}
		}
	}
	// Storage: walk the frames depth first in call order, each child at
	// its call, with a journal.
	state := map[slotKey]common.Hash{}
	first := map[slotKey]common.Hash{}
	byCall := make(map[int][]int) // parent -> children in call order
	for i := 1; i < len(tx.Frames); i++ {
		byCall[tx.Frames[i].Parent] = append(byCall[tx.Frames[i].Parent], i)
	}
	var walk func(i int, sandboxed bool) error
	walk = func(i int, sandboxed bool) error {
		f := tx.Frames[i]
		saved := maps(state)
		for _, sl := range f.Trace.Storage {
			k := slotKey{f.L1, f.Trace.Address, sl.Key}
			if v, seen := state[k]; seen && v != sl.Initial {
				return fmt.Errorf("%w: frame %d starts slot %s of %s at %s, the frames before it left %s", ErrLink, i, sl.Key, f.Trace.Address, sl.Initial, v)
			}
			if _, seen := first[k]; !seen {
				first[k] = sl.Initial
			}
			state[k] = sl.Initial
		}
		for _, ch := range byCall[i] {
			call := &f.Trace.Calls[tx.Frames[ch].Call]
			sb := sandboxed || (tx.Frames[ch].L1 && call.Callee() == precompiles.L1SandboxCallAddress)
			if err := walk(ch, sb); err != nil {
				return err
			}
		}
		for _, sl := range f.Trace.Storage {
			state[slotKey{f.L1, f.Trace.Address, sl.Key}] = sl.Final
		}
		if f.Trace.Reverted || (sandboxed && f.L1 && (f.Parent < 0 || !tx.Frames[f.Parent].L1)) {
			// A reverted frame's writes are undone with its callees'; a
			// sandboxed L1 call's when it returns.
			clear(state)
			for k, v := range saved {
				state[k] = v
			}
		}
		return nil
	}
	if err := walk(0, false); err != nil {
		return nil, err
	}
	var out []SlotWrite
	for k, v := range state {
		if first[k] != v {
			out = append(out, SlotWrite{L1: k.l1, Address: k.addr, Key: k.key, Value: v, Initial: first[k], Final: v})
		}
	}
	slices.SortFunc(out, func(a, b SlotWrite) int {
		switch {
		case a.L1 != b.L1:
			if a.L1 {
				return 1
			}
			return -1
		case a.Address != b.Address:
			return bytes.Compare(a.Address[:], b.Address[:])
		}
		return bytes.Compare(a.Key[:], b.Key[:])
	})
	return out, nil
}

// maps copies a state map.
func maps(m map[slotKey]common.Hash) map[slotKey]common.Hash {
	out := make(map[slotKey]common.Hash, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// link checks call c of frame i against the frame it entered (child,
// when ok).
func (tx *Transaction) link(i, c int, call *FrameCall, child int, ok bool, l1Code func(common.Address) []byte) error {
	parent := tx.Frames[i].Trace
	to := call.Callee()
	if call.Op != vm.CALL && call.Op != vm.STATICCALL && call.Op != vm.DELEGATECALL {
		return fmt.Errorf("%s is not linked", call.Op)
	}
	if !ok {
		return errors.New("no frame entered by the call")
	}
	f := tx.Frames[child]
	ch := f.Trace
	if tx.Frames[i].L1 && !f.L1 {
		return errors.New("an L1 frame's call entered an L2 frame")
	}
	// The precompiles: the L1 frame below them.
	if !tx.Frames[i].L1 && (to == precompiles.L1CallAddress || to == precompiles.L1SandboxCallAddress) {
		if err := linkL1Call(parent, call, f, l1Code); err != nil {
			return err
		}
		if f.L1 && to == precompiles.L1CallAddress && tx.static(i) {
			// A static L1CALL that writes is refused with
			// L1CallStaticViolation; whether the L1 code wrote (a write of
			// the value a slot held counts) is not in the public values.
			for _, j := range tx.subtree(child) {
				if bytes.IndexByte(tx.Frames[j].Trace.Code, byte(vm.SSTORE)) >= 0 {
					return errors.New("an L1CALL in a static context into L1 code that may write is not linked yet")
				}
			}
		}
		return nil
	}
	if !call.Value.IsZero() {
		return errors.New("value transfers are not linked yet")
	}
	if to == precompiles.L1DelegateCallAddress {
		return errors.New("L1DELEGATECALL is not linked yet")
	}
	if f.L1 != tx.Frames[i].L1 {
		return errors.New("the frame it entered is on the other layer")
	}
	if len(ch.Code) == 0 {
		// Ethereum's own precompiles: their output is a function of the
		// public input, recomputed here.
		if p, ok := vm.PrecompiledContractsCancun[to]; ok {
			return linkPrecompile(p, call)
		}
		if to.Big().Cmp(big.NewInt(0x100)) < 0 && to != (common.Address{}) {
			return errors.New("a precompile the prover does not know")
		}
		// An account without code: success, nothing returned.
		if !call.Success || len(call.ReturnData) != 0 {
			return errors.New("a call of an account without code succeeds and returns nothing")
		}
		return nil
	}
	switch call.Op {
	case vm.DELEGATECALL:
		if ch.Address != parent.Address || ch.Caller != parent.Caller || !ch.Value.Eq(&parent.Value) {
			return errors.New("the frame it entered is not in the caller's context")
		}
	default:
		if ch.Address != to || ch.Caller != parent.Address || !ch.Value.Eq(&call.Value) {
			return fmt.Errorf("the frame it entered runs at %s for %s with value %s", ch.Address, ch.Caller, ch.Value.Dec())
		}
	}
	return outcome(call, ch)
}

// linkPrecompile checks a call of one of Ethereum's precompiles by
// running go-ethereum's implementation on its input: a call that
// succeeded returned its output; one that failed (out of gas, or input
// the precompile refuses) returned nothing, and unless the precompile
// refuses the input, that is out of gas, which gas not being proven
// leaves to the caller's word.
func linkPrecompile(p vm.PrecompiledContract, call *FrameCall) error {
	out, err := p.Run(call.Input)
	switch {
	case call.Success && err != nil:
		return fmt.Errorf("%s refuses the input (%w), yet the call succeeded", p.Name(), err)
	case call.Success && !bytes.Equal(out, call.ReturnData):
		return fmt.Errorf("%s returns other data for the input", p.Name())
	case !call.Success && len(call.ReturnData) != 0:
		return fmt.Errorf("a failed call of %s returns nothing", p.Name())
	}
	return nil
}

// outcome checks the call's input and outcome against the frame it ran.
func outcome(call *FrameCall, ch *Trace) error {
	if !bytes.Equal(ch.Calldata, call.Input) {
		return errors.New("the frame it entered has other calldata")
	}
	if call.Success == ch.Reverted {
		return fmt.Errorf("the call's success is %v, the frame it entered reverted: %v", call.Success, ch.Reverted)
	}
	if !bytes.Equal(call.ReturnData, ch.ReturnData) {
		return errors.New("the call returned other data than the frame it entered")
	}
	return nil
}

// linkL1Call checks an L1CALL or L1SANDBOXCALL against the L1 frame below
// it (SPEC §1).
func linkL1Call(parent *Trace, call *FrameCall, f Frame, l1Code func(common.Address) []byte) error {
	if !f.L1 {
		// No L1 execution: the precompile refused the input.
		var want []byte
		switch {
		case len(call.Input) < 20:
			want = precompiles.ErrInvalidInput.Encode()
		case !call.Value.IsZero():
			want = precompiles.ErrValueNotAllowed.Encode()
		default:
			return errors.New("no L1 frame below the precompile")
		}
		if call.Success || !bytes.Equal(call.ReturnData, want) {
			return errors.New("the precompile refuses the input with its custom error")
		}
		return nil
	}
	ch := f.Trace
	if len(call.Input) < 20 || !call.Value.IsZero() {
		return errors.New("the precompile refused the call, yet an L1 frame ran")
	}
	target := common.BytesToAddress(call.Input[:20])
	sender := parent.Address
	if l1Code == nil || !bytes.Equal(l1Code(parent.Address), parent.Code) {
		sender = precompiles.Alias(parent.Address)
	}
	if ch.Address != target || ch.Caller != sender || !ch.Value.IsZero() {
		return fmt.Errorf("the L1 frame runs at %s for %s, the precompile calls %s for %s", ch.Address, ch.Caller, target, sender)
	}
	in := *call
	in.Input = call.Input[20:]
	return outcome(&in, ch)
}

// static reports whether L2 frame i runs in a static context: entered by
// a STATICCALL, or below one.
func (tx *Transaction) static(i int) bool {
	for ; i > 0 && !tx.Frames[i].L1; i = tx.Frames[i].Parent {
		f := tx.Frames[i]
		if calls := tx.Frames[f.Parent].Trace.Calls; f.Call < len(calls) && calls[f.Call].Op == vm.STATICCALL {
			return true
		}
	}
	return false
}

// subtree is frame i and every frame below it.
func (tx *Transaction) subtree(i int) []int {
	out := []int{i}
	for j := i + 1; j < len(tx.Frames); j++ {
		for p := tx.Frames[j].Parent; p >= i; p = tx.Frames[p].Parent {
			if p == i {
				out = append(out, j)
				break
			}
		}
	}
	return out
}

// RunTransaction runs one call on go-ethereum's EVM over a fresh
// in-memory state, as Run does, and returns every frame it entered.
func RunTransaction(c Call) (*Transaction, error) {
	rec := NewTxRecorder()
	rec.SetContext(c.context())
	if err := RunWithHooks(c, rec.Hooks()); err != nil {
		return nil, err
	}
	return rec.Transaction()
}
