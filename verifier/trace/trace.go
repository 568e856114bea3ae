package trace

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

	"github.com/boosterkit/go-booster/precompiles"
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

// Context is the block and transaction context a call runs in, as the
// environment opcodes read it: COINBASE, TIMESTAMP, NUMBER, PREVRANDAO,
// GASLIMIT, CHAINID, BASEFEE and GASPRICE.
type Context struct {
	Coinbase   common.Address
	Timestamp  uint64
	Number     uint64
	PrevRandao common.Hash
	GasLimit   uint64
	ChainID    uint256.Int
	BaseFee    uint256.Int
	GasPrice   uint256.Int
}

// NumContext is the number of context values a frame binds: Values'
// length.
const NumContext = 9

// Values lists the context and a balance in the order of the EVM
// circuit's environment table: COINBASE, TIMESTAMP, NUMBER, PREVRANDAO,
// GASLIMIT, CHAINID, BASEFEE, GASPRICE and SELFBALANCE, what each pushes.
func (c *Context) Values(balance *uint256.Int) [NumContext]uint256.Int {
	return [NumContext]uint256.Int{*new(uint256.Int).SetBytes(c.Coinbase[:]), *uint256.NewInt(c.Timestamp),
		*uint256.NewInt(c.Number), *new(uint256.Int).SetBytes(c.PrevRandao[:]), *uint256.NewInt(c.GasLimit),
		c.ChainID, c.BaseFee, c.GasPrice, *balance}
}

// contextIndex is the index in Context.Values of what an environment
// opcode pushes.
var contextIndex = map[vm.OpCode]int{
	vm.COINBASE: 0, vm.TIMESTAMP: 1, vm.NUMBER: 2, vm.PREVRANDAO: 3, vm.GASLIMIT: 4,
	vm.CHAINID: 5, vm.BASEFEE: 6, vm.GASPRICE: 7, vm.SELFBALANCE: 8,
}

// ContextIndex is the index in Context.Values of the value op pushes,
// and whether op is one of the nine.
func ContextIndex(op vm.OpCode) (int, bool) {
	i, ok := contextIndex[op]
	return i, ok
}

// Trace is the execution of one call frame as go-ethereum ran it: the
// inputs the proof binds, every step, and the outcome.
type Trace struct {
	// Code is the executed contract's code, Calldata its input.
	Code, Calldata []byte
	// Caller is msg.sender, Origin tx.origin, Address the executing contract.
	Caller, Origin, Address common.Address
	// CodeAddress is the account Code is from: Address, but for a frame
	// a DELEGATECALL entered, which runs the code of the address called
	// over the storage of the frame that called, and for the frame of an
	// L1DELEGATECALL, which runs the code of the L1 account its input
	// names (zero where the trace was not recorded from the call's
	// entry).
	CodeAddress common.Address
	// Value is msg.value.
	Value uint256.Int
	// Context is the block and transaction context, Balance the
	// contract's balance during the call (SELFBALANCE).
	Context Context
	Balance uint256.Int
	// Steps are the executed instructions in order; the last one halts.
	Steps []Step
	// Storage lists the slots the call read or wrote, sorted by key.
	Storage []StorageSlot
	// Transient lists the transient storage slots the call read or wrote
	// (TLOAD, TSTORE), sorted by key: Initial is what the slot held when
	// the call first touched it (what the frames of the transaction
	// before it left; zero where the recorder has no state to read),
	// Final what it held when the call ended, before any revert.
	Transient []StorageSlot
	// ReturnData is what the call returned (or its revert data); Reverted
	// says whether it reverted.
	ReturnData []byte
	Reverted   bool
	// Logs are the logs the call emitted (LOG0 to LOG4), in order.
	Logs []Log
	// Calls are the calls the frame made (CALL, STATICCALL,
	// DELEGATECALL), in order; their own steps are not in this trace.
	Calls []FrameCall
	// Reads are the chain's values the frame read (EXTCODESIZE,
	// EXTCODEHASH, BALANCE, BLOCKHASH), in order.
	Reads []StateRead
}

// FrameCall is one call the traced frame made (CALL, STATICCALL or
// DELEGATECALL), as the frame saw it: what it handed the callee and what
// it got back. The callee's own execution is not in this frame's proof:
// it is another frame's, and what links the two is that this entry's
// values are that frame's inputs and outcome.
type FrameCall struct {
	// Op is CALL, STATICCALL or DELEGATECALL.
	Op vm.OpCode
	// Gas, To and Value are the words the call popped (Value is zero for
	// STATICCALL and DELEGATECALL, which pop none); the callee is To's
	// low 20 bytes.
	Gas, To, Value uint256.Int
	// Input is the calldata handed to the callee.
	Input []byte
	// Success is the flag the call pushed, ReturnData the callee's
	// return (or revert) data.
	Success    bool
	ReturnData []byte
}

// Callee is the address the call went to.
func (f *FrameCall) Callee() common.Address { return common.Address(f.To.Bytes20()) }

// Log is one event the call emitted (LOG0 to LOG4), from the executing
// contract's address. A call that reverted emitted none in effect: the
// EVM discards its logs, and a proof of it binds what it logged before.
type Log struct {
	Topics []common.Hash
	Data   []byte
}

// StateRead is one EXTCODESIZE, EXTCODEHASH, BALANCE or BLOCKHASH step
// of the traced frame: the word it popped (an address, or BLOCKHASH's
// block number) and the value it pushed. A proof binds the values as the
// frame read them; that they are the chain's is for whoever checks the
// proof against it (the batch's L2 state and blocks, or L1's at
// settlement).
type StateRead struct {
	Op    vm.OpCode
	Key   uint256.Int
	Value uint256.Int
}

// Recorder captures a Trace from go-ethereum's tracing hooks. It records
// the outermost call frame: the calls it makes (CALL, STATICCALL,
// DELEGATECALL) as Trace.Calls, with what each returned, not their
// steps; CALLCODE, CREATE and CREATE2, and a callee that touches this
// frame's storage, cannot be proven and are reported by Trace. Storage values before a first SSTORE,
// and the contract's balance, are read from the state given by OnTxStart.
//
// The hooks give the block's coinbase, number, time, prevrandao and base
// fee; the chain id, the block gas limit and the gas price they do not:
// SetContext gives them (and may give the whole context). Without it they
// are the values the call's CHAINID, GASLIMIT and GASPRICE pushed, or zero
// if it ran none.
type Recorder struct {
	trace Trace
	// ctxSet is set by SetContext; envStep is an environment step whose
	// pushed value the next step shows.
	ctxSet bool
	// fillContext makes every context value (and the balance) the value
	// the call's first step reading it pushed: an L1 frame's, whose
	// hooks give no block (TxRecorder); filled marks those so taken.
	fillContext bool
	filled      uint16
	envStep     *Step
	envErr      error
	storage     map[common.Hash]*StorageSlot
	transient   map[common.Hash]*StorageSlot
	nested      *Step
	// call is the frame's call in progress: the next step of the frame
	// shows its success flag and return data. shared is a callee's step
	// that touched this frame's own storage.
	call      *FrameCall
	stateRead *StateRead
	shared    map[sharedSlot]Step
	exitErr   error
	finished  bool
	sloadKey  *common.Hash
	state     tracing.StateDB
	// blind is set when a slot was first written with no state to read
	// its value before (no OnTxStart).
	blind bool
	// base is the depth of the recorded frame as OnEnter counts it: 0
	// for the outermost call (see TxRecorder).
	base int
}

// NewRecorder returns a recorder; install Hooks on the EVM that runs the
// call.
func NewRecorder() *Recorder {
	return &Recorder{storage: make(map[common.Hash]*StorageSlot), transient: make(map[common.Hash]*StorageSlot)}
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

// SetContext sets the block and transaction context the trace binds, in
// place of what the hooks say. Trace fails if a step pushed another value.
func (r *Recorder) SetContext(c Context) {
	r.trace.Context = c
	r.ctxSet = true
}

func (r *Recorder) onTxStart(ctx *tracing.VMContext, tx *types.Transaction, from common.Address) {
	r.state = ctx.StateDB
	r.trace.Origin = from
	if r.ctxSet {
		return
	}
	c := &r.trace.Context
	c.Coinbase, c.Timestamp = ctx.Coinbase, ctx.Time
	if ctx.BlockNumber != nil {
		c.Number = ctx.BlockNumber.Uint64()
	}
	if ctx.Random != nil {
		c.PrevRandao = *ctx.Random
	}
	if ctx.BaseFee != nil {
		c.BaseFee.SetFromBig(ctx.BaseFee)
	}
	if tx == nil {
		return
	}
	// The transaction's chain id (CHAINID pushes the chain's, which a
	// protected transaction names) and its effective gas price.
	if id := tx.ChainId(); tx.Protected() && id != nil && id.Sign() > 0 {
		c.ChainID.SetFromBig(id)
	}
	price := tx.GasPrice()
	if ctx.BaseFee != nil && tx.Type() != types.LegacyTxType && tx.Type() != types.AccessListTxType {
		if tip, err := tx.EffectiveGasTip(ctx.BaseFee); err == nil {
			price = new(big.Int).Add(ctx.BaseFee, tip)
		}
	}
	c.GasPrice.SetFromBig(price)
}

// finishEnv checks the value an environment step pushed against the
// context, now on top of stack; the chain id, gas limit and gas price fill
// the context when SetContext did not give it.
func (r *Recorder) finishEnv(stack []uint256.Int) {
	st := r.envStep
	r.envStep = nil
	if st == nil || len(stack) == 0 {
		return
	}
	got := stack[len(stack)-1]
	c := &r.trace.Context
	if i := contextIndex[st.Op]; r.fillContext && r.filled&(1<<i) == 0 {
		r.filled |= 1 << i
		switch st.Op {
		case vm.COINBASE:
			c.Coinbase = common.Address(got.Bytes20())
		case vm.TIMESTAMP:
			c.Timestamp = got.Uint64()
		case vm.NUMBER:
			c.Number = got.Uint64()
		case vm.PREVRANDAO:
			c.PrevRandao = common.Hash(got.Bytes32())
		case vm.GASLIMIT:
			c.GasLimit = got.Uint64()
		case vm.CHAINID:
			c.ChainID = got
		case vm.BASEFEE:
			c.BaseFee = got
		case vm.GASPRICE:
			c.GasPrice = got
		case vm.SELFBALANCE:
			r.trace.Balance = got
		}
	}
	if !r.ctxSet {
		switch st.Op {
		case vm.CHAINID:
			c.ChainID = got
		case vm.GASLIMIT:
			c.GasLimit = got.Uint64()
		case vm.GASPRICE:
			c.GasPrice = got
		}
	}
	if want := c.Values(&r.trace.Balance)[contextIndex[st.Op]]; !got.Eq(&want) {
		if r.envErr == nil {
			r.envErr = fmt.Errorf("%w: %s at pc %d pushed %s, the context says otherwise (Recorder.SetContext)", ErrExecution, st.Op, st.PC, got.Hex())
		}
	}
}

func (r *Recorder) onEnter(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
	if depth == r.base {
		r.trace.Caller, r.trace.Address, r.trace.CodeAddress = from, to, to
		r.trace.Calldata = common.CopyBytes(input)
		if value != nil {
			r.trace.Value.SetFromBig(value)
		}
	}
}

func (r *Recorder) onExit(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	if depth != r.base {
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
	if depth > r.base+1 {
		// A callee's step: proven by its own frame's proof. One that
		// reaches into this frame's storage (reentrancy, DELEGATECALL) is
		// noted by slot: the two proofs cannot order their accesses to a
		// slot both touch.
		switch vm.OpCode(op) {
		case vm.SLOAD, vm.SSTORE, vm.TLOAD, vm.TSTORE:
			stack := scope.StackData()
			if scope.Address() == r.trace.Address && len(stack) > 0 && err == nil {
				k := sharedSlot{transient: vm.OpCode(op) == vm.TLOAD || vm.OpCode(op) == vm.TSTORE, key: common.Hash(stack[len(stack)-1].Bytes32())}
				if _, seen := r.shared[k]; !seen {
					if r.shared == nil {
						r.shared = map[sharedSlot]Step{}
					}
					r.shared[k] = Step{PC: pc, Op: vm.OpCode(op)}
				}
			}
		}
		return
	}
	if depth != r.base+1 {
		return
	}
	stack := scope.StackData()
	r.finishSload(stack)
	r.finishEnv(stack)
	r.finishCall(stack, rData)
	if r.stateRead != nil {
		if len(stack) > 0 {
			r.stateRead.Value = stack[len(stack)-1]
			r.trace.Reads = append(r.trace.Reads, *r.stateRead)
		}
		r.stateRead = nil
	}
	if r.trace.Code == nil {
		r.trace.Code = common.CopyBytes(scope.ContractCode())
		// The frame's context as its code sees it: for DELEGATECALL the
		// caller's address, caller and value, not the hooks' from and to.
		r.trace.Address, r.trace.Caller = scope.Address(), scope.Caller()
		r.trace.Value = *scope.CallValue()
		// L1DELEGATECALL runs the code of the L1 account its input
		// names on the rest of the input, in the calling frame's
		// context (SPEC §1).
		if r.trace.CodeAddress == precompiles.L1DelegateCallAddress && len(r.trace.Calldata) >= common.AddressLength {
			r.trace.CodeAddress = common.BytesToAddress(r.trace.Calldata[:common.AddressLength])
			r.trace.Calldata = common.CopyBytes(scope.CallInput())
		}
		// The balance after the call's value transfer.
		if r.state != nil {
			r.trace.Balance = *r.state.GetBalance(scope.Address())
		}
	}
	step := Step{PC: pc, Op: vm.OpCode(op), Stack: slices.Clone(stack)}
	r.trace.Steps = append(r.trace.Steps, step)
	if _, ok := contextIndex[vm.OpCode(op)]; ok && err == nil {
		r.envStep = &r.trace.Steps[len(r.trace.Steps)-1]
	}
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
	case vm.TLOAD, vm.TSTORE:
		if len(stack) > 0 && err == nil {
			key := common.Hash(stack[len(stack)-1].Bytes32())
			s, ok := r.transient[key]
			if !ok {
				s = &StorageSlot{Key: key}
				if r.state != nil {
					s.Initial = r.state.GetTransientState(scope.Address(), key)
				}
				s.Final = s.Initial
				r.transient[key] = s
			}
			if vm.OpCode(op) == vm.TSTORE && len(stack) > 1 {
				s.Final = common.Hash(stack[len(stack)-2].Bytes32())
			}
		}
	case vm.LOG0, vm.LOG1, vm.LOG2, vm.LOG3, vm.LOG4:
		n := int(op - byte(vm.LOG0))
		if len(stack) >= 2+n && err == nil {
			off, size := stack[len(stack)-1], stack[len(stack)-2]
			var l Log
			for t := range n {
				l.Topics = append(l.Topics, common.Hash(stack[len(stack)-3-t].Bytes32()))
			}
			if size.IsUint64() && off.IsUint64() && size.Uint64() <= maxLogCapture {
				// Memory not yet expanded for the log reads as zeros.
				l.Data = make([]byte, size.Uint64())
				if mem := scope.MemoryData(); off.Uint64() < uint64(len(mem)) {
					copy(l.Data, mem[off.Uint64():])
				}
			}
			r.trace.Logs = append(r.trace.Logs, l)
		}
	case vm.CALL, vm.DELEGATECALL, vm.STATICCALL:
		np := 3
		if vm.OpCode(op) != vm.CALL {
			np = 2
		}
		if len(stack) >= np+4 && err == nil {
			top := func(k int) uint256.Int { return stack[len(stack)-1-k] }
			c := &FrameCall{Op: vm.OpCode(op), Gas: top(0), To: top(1)}
			if np == 3 {
				c.Value = top(2)
			}
			off, size := top(np), top(np+1)
			if size.IsUint64() && off.IsUint64() && size.Uint64() <= maxLogCapture {
				// Memory not yet expanded for the input reads as zeros.
				c.Input = make([]byte, size.Uint64())
				if mem := scope.MemoryData(); off.Uint64() < uint64(len(mem)) {
					copy(c.Input, mem[off.Uint64():])
				}
			}
			r.call = c
		}
	case vm.EXTCODESIZE, vm.EXTCODEHASH, vm.BALANCE, vm.BLOCKHASH:
		if len(stack) > 0 && err == nil {
			r.stateRead = &StateRead{Op: vm.OpCode(op), Key: stack[len(stack)-1]}
		}
	case vm.CALLCODE, vm.CREATE, vm.CREATE2:
		if r.nested == nil {
			r.nested = &r.trace.Steps[len(r.trace.Steps)-1]
		}
	}
}

// finishCall records the call in progress, whose success flag is now on
// top of the stack and whose return data is the frame's return buffer.
func (r *Recorder) finishCall(stack []uint256.Int, rData []byte) {
	if r.call == nil {
		return
	}
	c := r.call
	r.call = nil
	if len(stack) > 0 {
		c.Success = !stack[len(stack)-1].IsZero()
	}
	c.ReturnData = common.CopyBytes(rData)
	if c.ReturnData == nil {
		c.ReturnData = []byte{}
	}
	r.trace.Calls = append(r.trace.Calls, *c)
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
	if err := r.sharedSlots(); err != nil {
		return nil, err
	}
	if r.exitErr != nil {
		return nil, fmt.Errorf("%w: %w", ErrExecution, r.exitErr)
	}
	if r.envErr != nil {
		return nil, r.envErr
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
	t.Transient = make([]StorageSlot, 0, len(r.transient))
	for _, s := range r.transient {
		t.Transient = append(t.Transient, *s)
	}
	slices.SortFunc(t.Transient, func(a, b StorageSlot) int { return a.Key.Cmp(b.Key) })
	return &t, nil
}

// sharedSlot is a slot of the recorded frame's address that a callee's
// step touched: storage, or transient storage.
type sharedSlot struct {
	transient bool
	key       common.Hash
}

// sharedSlots refuses a slot that both the frame and a callee running at
// its address (reentrancy, DELEGATECALL) touched: each frame's proof
// binds its own slots from start to end, so the two cannot be ordered.
// Disjoint slots are each one frame's.
func (r *Recorder) sharedSlots() error {
	keys := make([]sharedSlot, 0, len(r.shared))
	for k := range r.shared {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b sharedSlot) int { return a.key.Cmp(b.key) })
	for _, k := range keys {
		own := r.storage
		what := "storage"
		if k.transient {
			own, what = r.transient, "transient"
		}
		if _, both := own[k.key]; both {
			st := r.shared[k]
			return fmt.Errorf("%w: a callee's %s at pc %d touches %s slot %s, which this frame touches too (reentrancy or DELEGATECALL into code that shares its slots): their proofs cannot order the accesses", ErrUnsupported, st.Op, st.PC, what, k.key)
		}
	}
	return nil
}

func unsupported(op vm.OpCode, pc uint64) error {
	return fmt.Errorf("%w: opcode %s (0x%02x) at pc %d", ErrUnsupported, op, byte(op), pc)
}

// Call describes one call to trace with Run.
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
	// Contracts are other accounts' code, for the calls the call makes,
	// and ContractStorage their storage before the call.
	Contracts       map[common.Address][]byte
	ContractStorage map[common.Address]map[common.Hash]common.Hash
	// Context is the block and transaction context; nil: chain id 1,
	// block 1 at time 1, gas limit 30,000,000, zero fees.
	Context *Context
}

// Run runs one call on go-ethereum's EVM over a fresh in-memory state
// and returns its trace.
func Run(c Call) (*Trace, error) {
	rec := NewRecorder()
	rec.SetContext(c.context())
	if err := RunWithHooks(c, rec.Hooks()); err != nil {
		return nil, err
	}
	return rec.Trace()
}

// RunWithHooks runs c on a fresh in-memory state with the given hooks.
// Only an error before the call ran is returned: its outcome is the
// hooks'.
func RunWithHooks(c Call, hooks *tracing.Hooks) error {
	db := state.NewDatabase(triedb.NewDatabase(rawdb.NewMemoryDatabase(), nil), nil)
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return fmt.Errorf("trace: state: %w", err)
	}
	st.SetCode(c.Address, c.Code, tracing.CodeChangeUnspecified)
	for a, code := range c.Contracts {
		st.SetCode(a, code, tracing.CodeChangeUnspecified)
	}
	for a, slots := range c.ContractStorage {
		for k, v := range slots {
			st.SetState(a, k, v)
		}
	}
	for k, v := range c.Storage {
		st.SetState(c.Address, k, v)
	}
	value := c.Value
	if value == nil {
		value = new(big.Int)
	}
	st.AddBalance(c.Caller, uint256.MustFromBig(new(big.Int).Add(value, big.NewInt(params.Ether))), tracing.BalanceChangeUnspecified)
	ctx := c.context()
	shanghai := uint64(0)
	chain := &params.ChainConfig{ChainID: ctx.ChainID.ToBig(), HomesteadBlock: new(big.Int), EIP150Block: new(big.Int),
		EIP155Block: new(big.Int), EIP158Block: new(big.Int), ByzantiumBlock: new(big.Int), ConstantinopleBlock: new(big.Int),
		PetersburgBlock: new(big.Int), IstanbulBlock: new(big.Int), MuirGlacierBlock: new(big.Int), BerlinBlock: new(big.Int),
		LondonBlock: new(big.Int), TerminalTotalDifficulty: new(big.Int), ShanghaiTime: &shanghai, CancunTime: &shanghai}
	cfg := &runtime.Config{
		ChainConfig: chain,
		Origin:      c.Caller,
		Coinbase:    ctx.Coinbase,
		BlockNumber: new(big.Int).SetUint64(ctx.Number),
		Time:        ctx.Timestamp,
		Random:      &ctx.PrevRandao,
		GasLimit:    ctx.GasLimit,
		BaseFee:     ctx.BaseFee.ToBig(),
		GasPrice:    ctx.GasPrice.ToBig(),
		Value:       value,
		State:       st,
		EVMConfig:   vm.Config{Tracer: hooks},
	}
	_, _, _ = runtime.Call(c.Address, c.Input, cfg) // the outcome is in the hooks
	return nil
}

// context is the call's context, or the default one.
func (c Call) context() Context {
	if c.Context != nil {
		return *c.Context
	}
	return Context{Timestamp: 1, Number: 1, GasLimit: 30_000_000, ChainID: *uint256.NewInt(1)}
}

// maxLogCapture bounds the data the recorder copies from one LOG: more
// than any shape proves.
const maxLogCapture = 1 << 20
