package batch

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// ErrStatement means a header and transactions that do not make a batch
// statement: a transactions commitment or chain id the transactions do
// not have, or a transaction without a valid signature.
var ErrStatement = errors.New("batch: header and transactions disagree")

// Signatures returns the signing hash and sender of each transaction,
// as TransactionsCommitment takes them.
func Signatures(txs []*types.Transaction) ([]Signature, error) {
	out := make([]Signature, len(txs))
	for i, tx := range txs {
		signer := types.LatestSignerForChainID(tx.ChainId())
		from, err := types.Sender(signer, tx)
		if err != nil {
			return nil, fmt.Errorf("%w: transaction %d (%s): %w", ErrStatement, i, tx.Hash(), err)
		}
		out[i] = Signature{SigningHash: signer.Hash(tx), Sender: from}
	}
	return out, nil
}

// SegmentWitness is one segment of a batch: its kind, its circuit's
// assignment and its public values.
type SegmentWitness struct {
	Kind       int
	Assignment frontend.Circuit
	Segment    aggregate.Segment
}

// Witnesses returns the segments of the batch with header h and the
// applied transactions txs, in order, for segment circuits of capacity c:
// the header, then for each transaction its signature and the frames of
// executions[i] that run code (its L2 frames and the L1 frames below its
// L1CALLs, in the order they were entered, as a verifier.TxRecorder on
// the booster records them), then the end. It fails with ErrStatement
// where the header, transactions and frames disagree (a top frame entered
// by another caller, at another address, with another value or calldata
// than its transaction; a frame that is not the one its caller's call
// entered), and with an error wrapping verifier.ErrUnsupported for what
// the segments cannot prove (contract creation, a transaction sent to a
// precompile, a call other than into L1CALL, an L1CALL the precompile
// refused).
func Witnesses(h *Header, txs []*types.Transaction, executions []*verifier.Transaction, c Capacity) ([]SegmentWitness, error) {
	if h.ChainID == nil || !h.ChainID.IsUint64() {
		return nil, fmt.Errorf("%w: L2 chain id %v is not a 64-bit value", ErrStatement, h.ChainID)
	}
	if len(executions) != len(txs) {
		return nil, fmt.Errorf("%w: %d transactions, %d executions", ErrStatement, len(txs), len(executions))
	}
	sigs, err := Signatures(txs)
	if err != nil {
		return nil, err
	}
	if cm := TransactionsCommitment(sigs); cm != h.Transactions {
		return nil, fmt.Errorf("%w: the header's transactions commitment %s, the transactions' %s", ErrStatement, h.Transactions, cm)
	}
	batch := h.Hash()
	txsHi, txsLo := new(big.Int).SetBytes(h.Transactions[:16]), new(big.Int).SetBytes(h.Transactions[16:])
	inputs := func(index int, in, out *big.Int) aggregate.SegmentInputs {
		return aggregate.Segment{Batch: batch, Index: uint64(index), In: in, Out: out}.Inputs()
	}
	segment := func(index int, in, out *big.Int) aggregate.Segment {
		return aggregate.Segment{Batch: batch, Index: uint64(index), In: in, Out: out}
	}
	carry := func(acc, pending fr.Element) carried {
		return carried{ChainID: h.ChainID, TxsHi: txsHi, TxsLo: txsLo,
			Acc: acc.BigInt(new(big.Int)), Pending: pending.BigInt(new(big.Int))}
	}
	words := outcomeWords(c.Frame)

	var acc fr.Element
	var stack []pending // top last
	out := boundary(batch, h.ChainID, h.Transactions, acc, pendingOf(stack))
	head := &headerSegment{SegmentInputs: inputs(0, new(big.Int), out)}
	for i, w := range h.Words() {
		for j, b := range w {
			head.Words[i][j] = b
		}
	}
	segs := []SegmentWitness{{Kind: KindHeader, Assignment: head, Segment: segment(0, new(big.Int), out)}}
	add := func(kind int, in, out *big.Int, a frontend.Circuit) {
		segs = append(segs, SegmentWitness{Kind: kind, Segment: segment(len(segs), in, out), Assignment: a})
	}
	for i, tx := range txs {
		if tx.ChainId().Cmp(h.ChainID) != 0 {
			return nil, fmt.Errorf("%w: transaction %d is for chain %v, the batch for %v", ErrStatement, i, tx.ChainId(), h.ChainID)
		}
		if tx.To() == nil {
			return nil, fmt.Errorf("batch: transaction %d (%s): %w: contract creation", i, tx.Hash(), verifier.ErrUnsupported)
		}
		if isPrecompile(*tx.To()) {
			return nil, fmt.Errorf("batch: transaction %d (%s): %w: a transaction sent to the precompile at %s (call it from a contract)", i, tx.Hash(), verifier.ErrUnsupported, tx.To())
		}
		w, _, err := txsig.Assign(tx, c.Calldata)
		if err != nil {
			return nil, fmt.Errorf("batch: transaction %d (%s): %w", i, tx.Hash(), err)
		}
		e := executions[i]
		if e == nil || len(e.Frames) == 0 || e.Frames[0].Parent != -1 {
			return nil, fmt.Errorf("%w: transaction %d has no top frame", ErrStatement, i)
		}
		top := e.Frames[0].Trace
		switch {
		case top.Caller != sigs[i].Sender || top.Origin != sigs[i].Sender:
			return nil, fmt.Errorf("%w: transaction %d is sent by %s, its frame called by %s from %s", ErrStatement, i, sigs[i].Sender, top.Caller, top.Origin)
		case top.Address != *tx.To():
			return nil, fmt.Errorf("%w: transaction %d is to %s, its frame runs at %s", ErrStatement, i, tx.To(), top.Address)
		case top.Value.ToBig().Cmp(tx.Value()) != 0:
			return nil, fmt.Errorf("%w: transaction %d sends %v wei, its frame has %v", ErrStatement, i, tx.Value(), top.Value.ToBig())
		case !bytes.Equal(top.Calldata, tx.Data()):
			return nil, fmt.Errorf("%w: transaction %d's calldata is not its frame's", ErrStatement, i)
		case len(top.Code) == 0:
			return nil, fmt.Errorf("batch: transaction %d (%s): %w: a transaction to %s, which has no code", i, tx.Hash(), verifier.ErrUnsupported, top.Address)
		}

		in := out
		before := carry(acc, pendingOf(stack))
		acc = fold(acc, sigs[i])
		outcome := outcomeOf(!top.Reverted, top.ReturnData, words)
		stack = append(stack, pending{ctx: push(entryOf(sigs[i].Sender, sigs[i].Sender, *tx.To(), tx.Value(), tx.Data(), false, false, c.Calldata), outcome)})
		out = boundary(batch, h.ChainID, h.Transactions, acc, pendingOf(stack))
		add(KindTransaction, in, out, &transactionSegment{SegmentInputs: inputs(len(segs), in, out), carried: before, Tx: w,
			Outcome: outcome.BigInt(new(big.Int))})

		for k, f := range e.Frames {
			if len(f.Trace.Code) == 0 {
				continue // a precompile's own frame
			}
			seg, err := frameWitness(e, k, &stack, h.ChainID, c, words)
			if err != nil {
				return nil, fmt.Errorf("batch: transaction %d (%s) frame %d: %w", i, tx.Hash(), k, err)
			}
			in := out
			// The stack below the frame's context, then its callees.
			rest := slices.Clone(stack[:len(stack)-seg.pushed])
			seg.carried = carry(acc, pendingOf(append(slices.Clone(rest), seg.popped)))
			restHash := pendingOf(rest)
			seg.Rest = restHash.BigInt(new(big.Int))
			out = boundary(batch, h.ChainID, h.Transactions, acc, pendingOf(stack))
			seg.SegmentInputs = inputs(len(segs), in, out)
			add(KindFrame, in, out, seg.frameSegment)
		}
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("%w: %d entered frames have no trace", ErrStatement, len(stack))
	}
	end := len(segs)
	add(KindEnd, out, new(big.Int), &endSegment{SegmentInputs: inputs(end, out, new(big.Int)), carried: carry(acc, fr.Element{})})
	return segs, nil
}

// pending is a context on the pending stack, and whether it is a static
// frame's.
type pending struct {
	ctx    fr.Element
	static bool
}

// pendingOf is the hash chain of a pending stack (top last).
func pendingOf(st []pending) fr.Element {
	var p fr.Element
	for _, e := range st {
		p = push(e.ctx, p)
	}
	return p
}

// pendingFrame is a frame segment being assigned: popped is the context
// it took off the stack, pushed how many callee contexts it left there.
type pendingFrame struct {
	*frameSegment
	popped pending
	pushed int
}

// frameWitness assigns the frame segment of e.Frames[k], in a batch of
// chain chainID: it pops the frame's context off stack (which must be on
// top) and pushes its callees', first call on top.
func frameWitness(e *verifier.Transaction, k int, stack *[]pending, chainID *big.Int, c Capacity, words int) (pendingFrame, error) {
	f := e.Frames[k]
	tr := f.Trace
	if !f.L1 && tr.Context.ChainID.ToBig().Cmp(chainID) != 0 {
		return pendingFrame{}, fmt.Errorf("%w: the frame at %s runs with chain id %v, the batch's is %v", ErrStatement, tr.Address, tr.Context.ChainID.ToBig(), chainID)
	}
	if len(tr.Calldata) > c.Calldata {
		return pendingFrame{}, fmt.Errorf("%w: %d bytes of calldata, the segments hold %d", verifier.ErrCapacity, len(tr.Calldata), c.Calldata)
	}
	st := *stack
	if len(st) == 0 {
		return pendingFrame{}, fmt.Errorf("%w: the frame at %s was not entered by a call", ErrStatement, tr.Address)
	}
	top := st[len(st)-1]
	ctx := push(entryOf(tr.Caller, tr.Origin, tr.Address, tr.Value.ToBig(), tr.Calldata, f.L1, top.static, c.Calldata), outcomeOf(!tr.Reverted, tr.ReturnData, words))
	if top.ctx != ctx {
		return pendingFrame{}, fmt.Errorf("%w: the frame at %s is not the one the calls before it entered", ErrStatement, tr.Address)
	}
	st = st[:len(st)-1]
	fw, err := verifier.Assign(tr, c.Frame)
	if err != nil {
		return pendingFrame{}, err
	}
	bit := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	seg := &frameSegment{Frame: fw.FrameWitness, L1: bit(f.L1), Static: bit(top.static), Alias: make([]frontend.Variable, c.Frame.Calls), dataCap: c.Calldata, shape: c.Frame}
	for j := range seg.Alias {
		seg.Alias[j] = 0
	}
	var callees []pending
	for j, call := range tr.Calls {
		static := top.static || call.Op == vm.STATICCALL
		child := -1
		for n, g := range e.Frames {
			if g.Parent == k && g.Call == j && len(g.Trace.Code) > 0 {
				child = n
			}
		}
		switch {
		case call.Op == vm.DELEGATECALL:
			return pendingFrame{}, fmt.Errorf("%w: DELEGATECALL to %s at call %d", verifier.ErrUnsupported, call.Callee(), j)
		case call.Callee() == precompiles.L1CallAddress && (f.L1 || static):
			return pendingFrame{}, fmt.Errorf("%w: an L1CALL from a static or L1 frame at call %d", verifier.ErrUnsupported, j)
		case child < 0:
			return pendingFrame{}, fmt.Errorf("%w: %s to %s at call %d ran no code (an account without code, a precompile's refusal, or a precompile other than L1CALL)", verifier.ErrUnsupported, call.Op, call.Callee(), j)
		}
		callee := e.Frames[child].Trace
		var entry fr.Element
		if call.Callee() == precompiles.L1CallAddress {
			if len(call.Input) < 20 || !e.Frames[child].L1 {
				return pendingFrame{}, fmt.Errorf("%w: the L1CALL at call %d ran no L1 frame", verifier.ErrUnsupported, j)
			}
			sender := tr.Address
			if callee.Caller != sender {
				sender = precompiles.Alias(sender)
				seg.Alias[j] = 1
			}
			entry = entryOf(sender, tr.Origin, common.BytesToAddress(call.Input[:20]), new(big.Int), call.Input[20:], true, false, c.Calldata)
		} else {
			if len(call.Input) > c.Calldata {
				return pendingFrame{}, fmt.Errorf("%w: %d bytes of input at call %d, the segments hold %d", verifier.ErrCapacity, len(call.Input), j, c.Calldata)
			}
			entry = entryOf(tr.Address, tr.Origin, call.Callee(), call.Value.ToBig(), call.Input, f.L1, static, c.Calldata)
		}
		callees = append(callees, pending{ctx: push(entry, outcomeOf(call.Success, call.ReturnData, words)), static: static})
	}
	for j := len(callees) - 1; j >= 0; j-- {
		st = append(st, callees[j])
	}
	*stack = st
	return pendingFrame{frameSegment: seg, popped: top, pushed: len(callees)}, nil
}

// isPrecompile reports whether addr is one of the booster's precompiles or
// Ethereum's (Osaka): a frame there runs no code a frame segment could
// prove.
func isPrecompile(addr common.Address) bool {
	return slices.Contains(precompiles.Addresses(), addr) || slices.Contains(vm.PrecompiledAddressesOsaka, addr)
}
