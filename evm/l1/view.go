package l1

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/statechanges"
)

// blockHashWindow is how far back BLOCKHASH reaches.
const blockHashWindow = 256

// Violation is an effect of an L1 execution that storage writes cannot
// reproduce on L1.
type Violation struct {
	Opcode   vm.OpCode      // CALL (value transfer), CREATE, CREATE2 or SELFDESTRUCT
	Contract common.Address // the L1 contract that executed it
}

// View is the mutable state of one pinned L1 block as a batch sees it. It is
// not safe for concurrent use.
type View struct {
	source  Source
	ctx     context.Context
	state   *state.StateDB
	wrapped *recordingState
	rec     *statechanges.Recorder
	rules   params.Rules
	block   vm.BlockContext

	snaps []viewSnapshot

	// Per L1 execution, reset by BeginCall.
	violation                   *Violation
	writes                      int
	onViolated                  func()
	callWriteMark, callReadMark int

	settle *settleCheck // nil: no settleability checks

	// creator and creatorNonce identify the CREATE in progress, so that
	// CREATE2 can be told apart from CREATE.
	creator      common.Address
	creatorNonce uint64

	txHash   common.Hash
	srcErr   error
	ancestry []common.Hash // ancestry[i] is the hash of block number-1-i

	tracer *tracing.Hooks // for the L1 EVMs NewEVM makes, if set
}

type viewSnapshot struct {
	state int
	mark  int
}

// NewView returns a view of the source's pinned block with nothing written
// yet. ctx bounds every read the view makes through the source.
func NewView(ctx context.Context, source Source) (*View, error) {
	header := source.Header()
	if header == nil || header.Number == nil {
		return nil, ErrNoHeader
	}
	st, err := state.NewWithReader(types.EmptyRootHash, state.NewDatabaseForTesting(), &sourceReader{ctx: ctx, source: source})
	if err != nil {
		return nil, fmt.Errorf("l1: new state: %w", err)
	}
	config := source.ChainConfig()
	v := &View{
		source: source,
		ctx:    ctx,
		state:  st,
		rec:    statechanges.NewRecorder(),
	}
	v.wrapped = &recordingState{StateDB: st, v: v}
	v.block = v.blockContext(header, config)
	v.rules = config.Rules(header.Number, v.block.Random != nil, header.Time)
	return v, nil
}

func (v *View) blockContext(h *types.Header, config *params.ChainConfig) vm.BlockContext {
	ctx := vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash:     v.blockHash,
		Coinbase:    h.Coinbase,
		GasLimit:    h.GasLimit,
		BlockNumber: new(big.Int).Set(h.Number),
		Time:        h.Time,
		Difficulty:  new(big.Int),
		BaseFee:     new(big.Int),
		BlobBaseFee: new(big.Int),
		// The per-byte price of new state (EIP-8037), as go-ethereum sets it.
		CostPerStateByte: params.CostPerStateByte,
	}
	if h.Difficulty != nil {
		ctx.Difficulty.Set(h.Difficulty)
	}
	if h.BaseFee != nil {
		ctx.BaseFee.Set(h.BaseFee)
	}
	if h.ExcessBlobGas != nil && config.BlobScheduleConfig != nil {
		ctx.BlobBaseFee = eip4844.CalcBlobFee(config, h)
	}
	if ctx.Difficulty.Sign() == 0 {
		random := h.MixDigest
		ctx.Random = &random
	}
	if h.SlotNumber != nil {
		ctx.SlotNum = *h.SlotNumber
	}
	return ctx
}

// blockHash answers BLOCKHASH by walking back from the pinned header. The
// EVM only asks for the 256 blocks before the pinned one.
func (v *View) blockHash(n uint64) common.Hash {
	pinned := v.source.Header()
	num := pinned.Number.Uint64()
	if n >= num || num-n > blockHashWindow {
		return common.Hash{}
	}
	depth := int(num - n - 1)
	for len(v.ancestry) <= depth {
		var parent common.Hash
		if len(v.ancestry) == 0 {
			parent = pinned.ParentHash
		} else {
			h, err := v.source.HeaderByHash(v.ctx, v.ancestry[len(v.ancestry)-1])
			if err != nil {
				if v.srcErr == nil {
					v.srcErr = err
				}
				return common.Hash{}
			}
			parent = h.ParentHash
		}
		v.ancestry = append(v.ancestry, parent)
	}
	return v.ancestry[depth]
}

// Header returns the pinned L1 block's header.
func (v *View) Header() *types.Header { return v.source.Header() }

// ChainConfig returns the L1 chain configuration.
func (v *View) ChainConfig() *params.ChainConfig { return v.source.ChainConfig() }

// Err returns the first failure of the source, if any. Once it is set, the
// view's contents are unreliable and the batch must be abandoned.
func (v *View) Err() error {
	err := v.state.Error()
	if err == nil {
		err = v.srcErr
	}
	if err != nil && !errors.Is(err, ErrSource) {
		err = fmt.Errorf("%w: %w", ErrSource, err)
	}
	return err
}

// NewEVM returns an EVM that runs L1 code against the view in the pinned
// block's context, with origin as tx.origin. A fresh EVM is needed per L1
// execution: one cancelled by a violation stays cancelled.
func (v *View) NewEVM(origin common.Address) *vm.EVM {
	evm := vm.NewEVM(v.block, v.wrapped, v.source.ChainConfig(), vm.Config{Tracer: v.tracer})
	evm.SetTxContext(vm.TxContext{Origin: origin, GasPrice: new(uint256.Int)})
	return evm
}

// SetTracer installs go-ethereum tracing hooks on the L1 EVMs NewEVM
// makes from now on (nil: none): they see each L1 execution's frames,
// from depth 0, and no transaction start or end.
func (v *View) SetTracer(hooks *tracing.Hooks) { v.tracer = hooks }

// BeginTx starts the L1 side of one L2 transaction: warm addresses,
// transient storage and refunds are scoped to it, as they would be to an
// L1 transaction.
func (v *View) BeginTx(txHash common.Hash, index int, origin common.Address) {
	v.txHash = txHash
	v.state.SetTxContext(txHash, index, 0)
	v.state.Prepare(v.rules, origin, v.block.Coinbase, nil, vm.ActivePrecompiles(v.rules), nil)
}

// EndTx closes the L1 side of the current L2 transaction and returns the L1
// logs that L1 code emitted during it and that stayed in effect.
func (v *View) EndTx() []*types.Log {
	h := v.source.Header()
	logs := v.state.GetLogs(v.txHash, h.Number.Uint64(), h.Hash(), h.Time)
	v.state.Finalise(v.rules)
	v.snaps = v.snaps[:0]
	return logs
}

// Snapshot returns an identifier for the current state of the view, writes
// recorded included.
func (v *View) Snapshot() int {
	v.snaps = append(v.snaps, viewSnapshot{state: v.state.Snapshot(), mark: v.rec.Mark()})
	return len(v.snaps) - 1
}

// RevertToSnapshot undoes every change, recorded writes included, made since
// the snapshot was taken. Later snapshots become invalid.
func (v *View) RevertToSnapshot(id int) {
	s := v.snaps[id]
	v.state.RevertToSnapshot(s.state)
	v.rec.RevertTo(s.mark)
	v.snaps = v.snaps[:id]
}

// BeginCall starts watching one L1 execution; onViolated is called at the
// first unsupported effect (use it to cancel the EVM).
func (v *View) BeginCall(onViolated func()) {
	v.violation = nil
	v.writes = 0
	v.onViolated = onViolated
	v.callWriteMark, v.callReadMark = v.rec.Mark(), v.rec.ReadMark()
}

// Stats counts what the batch's settlement would carry so far.
func (v *View) Stats() statechanges.Stats { return v.rec.Stats() }

// EndCall returns the first unsupported effect the execution reached, if
// any, and whether it attempted any storage write.
func (v *View) EndCall() (violation *Violation, wrote bool) {
	violation, wrote = v.violation, v.writes > 0
	v.violation, v.writes, v.onViolated = nil, 0, nil
	return violation, wrote
}

func (v *View) violate(op vm.OpCode, contract common.Address) {
	if v.violation != nil {
		return
	}
	v.violation = &Violation{Opcode: op, Contract: contract}
	if v.onViolated != nil {
		v.onViolated()
	}
}

// CodeHash returns the code hash of an L1 account and records it in the
// read set. It is zero for an account that does not exist.
func (v *View) CodeHash(addr common.Address) common.Hash {
	return v.wrapped.GetCodeHash(addr)
}

// Code returns the code of an L1 account and records its hash in the read
// set.
func (v *View) Code(addr common.Address) []byte {
	return v.wrapped.GetCode(addr)
}

// Storage returns the current value of an L1 slot, recording it in the read
// set if the batch has not written it.
func (v *View) Storage(addr common.Address, slot common.Hash) common.Hash {
	return v.wrapped.GetState(addr, slot)
}

// Result returns the batch's write list and read set.
func (v *View) Result() (statechanges.WriteList, *statechanges.ReadSet) {
	return v.rec.Result(slotValues{v})
}

type slotValues struct{ v *View }

func (s slotValues) Current(addr common.Address, slot common.Hash) common.Hash {
	return s.v.state.GetState(addr, slot)
}

func (s slotValues) Pinned(addr common.Address, slot common.Hash) common.Hash {
	value, err := s.v.source.Storage(s.v.ctx, addr, slot)
	if err != nil && s.v.srcErr == nil {
		s.v.srcErr = err
	}
	return value
}

// recordingState is the vm.StateDB the L1 EVM runs on.
type recordingState struct {
	*state.StateDB
	v *View
}

func (s *recordingState) GetState(addr common.Address, slot common.Hash) common.Hash {
	value := s.StateDB.GetState(addr, slot)
	if !s.v.rec.Written(addr, slot) {
		s.v.rec.RecordStorageRead(addr, slot, value)
	}
	return value
}

// GetStateAndCommittedState is what SSTORE's gas reads: the slot's value
// before the write is a fact the batch depends on (its gas, and the
// batch proof's record of every L1 slot it touched), so a slot first
// touched by SSTORE enters the read set as a slot first read does.
func (s *recordingState) GetStateAndCommittedState(addr common.Address, slot common.Hash) (common.Hash, common.Hash) {
	current, committed := s.StateDB.GetStateAndCommittedState(addr, slot)
	if !s.v.rec.Written(addr, slot) {
		s.v.rec.RecordStorageRead(addr, slot, current)
	}
	return current, committed
}

func (s *recordingState) SetState(addr common.Address, slot, value common.Hash) common.Hash {
	s.v.writes++
	s.v.rec.RecordWrite(addr, slot)
	return s.StateDB.SetState(addr, slot, value)
}

func (s *recordingState) GetCode(addr common.Address) []byte {
	s.recordCode(addr)
	return s.StateDB.GetCode(addr)
}

func (s *recordingState) GetCodeHash(addr common.Address) common.Hash {
	return s.recordCode(addr)
}

func (s *recordingState) GetCodeSize(addr common.Address) int {
	s.recordCode(addr)
	return s.StateDB.GetCodeSize(addr)
}

func (s *recordingState) recordCode(addr common.Address) common.Hash {
	h := s.StateDB.GetCodeHash(addr)
	s.v.rec.RecordCode(addr, h)
	return h
}

func (s *recordingState) GetBalance(addr common.Address) *uint256.Int {
	b := s.StateDB.GetBalance(addr)
	s.v.rec.RecordBalance(addr, b)
	return b
}

func (s *recordingState) SubBalance(addr common.Address, amount *uint256.Int, reason tracing.BalanceChangeReason) uint256.Int {
	s.balanceChange(addr, amount, reason)
	return s.StateDB.SubBalance(addr, amount, reason)
}

func (s *recordingState) AddBalance(addr common.Address, amount *uint256.Int, reason tracing.BalanceChangeReason) uint256.Int {
	s.balanceChange(addr, amount, reason)
	return s.StateDB.AddBalance(addr, amount, reason)
}

func (s *recordingState) balanceChange(addr common.Address, amount *uint256.Int, reason tracing.BalanceChangeReason) {
	switch reason {
	case tracing.BalanceIncreaseSelfdestruct, tracing.BalanceDecreaseSelfdestruct:
		s.v.violate(vm.SELFDESTRUCT, addr)
	default:
		if !amount.IsZero() {
			s.v.violate(vm.CALL, addr)
		}
	}
}

func (s *recordingState) SetNonce(addr common.Address, nonce uint64, reason tracing.NonceChangeReason) {
	if reason == tracing.NonceChangeContractCreator {
		s.v.creator, s.v.creatorNonce = addr, s.StateDB.GetNonce(addr)
	}
	s.v.violate(vm.CREATE, addr)
	s.StateDB.SetNonce(addr, nonce, reason)
}

func (s *recordingState) CreateContract(addr common.Address) {
	if s.v.violation != nil && s.v.violation.Opcode == vm.CREATE &&
		s.v.violation.Contract == s.v.creator && addr != crypto.CreateAddress(s.v.creator, s.v.creatorNonce) {
		s.v.violation.Opcode = vm.CREATE2
	}
	s.v.violate(vm.CREATE, addr)
	s.StateDB.CreateContract(addr)
}

func (s *recordingState) SetCode(addr common.Address, code []byte, reason tracing.CodeChangeReason) []byte {
	s.v.violate(vm.CREATE, addr)
	return s.StateDB.SetCode(addr, code, reason)
}

func (s *recordingState) SelfDestruct(addr common.Address) {
	s.v.violate(vm.SELFDESTRUCT, addr)
	s.StateDB.SelfDestruct(addr)
}

func (s *recordingState) Snapshot() int           { return s.v.Snapshot() }
func (s *recordingState) RevertToSnapshot(id int) { s.v.RevertToSnapshot(id) }
