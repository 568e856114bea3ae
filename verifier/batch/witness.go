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
// the header, then for each transaction its signature and frames[i], the
// trace of its top call frame as the booster ran it, then the end. It
// fails with ErrStatement where the header, transactions and frames
// disagree (a frame entered by another caller, at another address, with
// another value or calldata than its transaction), and with an error
// wrapping verifier.ErrUnsupported for what the segments cannot prove
// (contract creation, a transaction sent to a precompile).
func Witnesses(h *Header, txs []*types.Transaction, frames []*verifier.Trace, c Capacity) ([]SegmentWitness, error) {
	if h.ChainID == nil || !h.ChainID.IsUint64() {
		return nil, fmt.Errorf("%w: L2 chain id %v is not a 64-bit value", ErrStatement, h.ChainID)
	}
	if len(frames) != len(txs) {
		return nil, fmt.Errorf("%w: %d transactions, %d frames", ErrStatement, len(txs), len(frames))
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
		return carried{ChainID: h.ChainID, TxsHi: txsHi, TxsLo: txsLo, Acc: acc.BigInt(new(big.Int)), Pending: pending.BigInt(new(big.Int))}
	}

	var acc, pending fr.Element
	out := boundary(batch, h.ChainID, h.Transactions, acc, pending)
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
		f := frames[i]
		switch {
		case f == nil:
			return nil, fmt.Errorf("%w: transaction %d has no frame", ErrStatement, i)
		case f.Caller != sigs[i].Sender || f.Origin != sigs[i].Sender:
			return nil, fmt.Errorf("%w: transaction %d is sent by %s, its frame called by %s from %s", ErrStatement, i, sigs[i].Sender, f.Caller, f.Origin)
		case f.Address != *tx.To():
			return nil, fmt.Errorf("%w: transaction %d is to %s, its frame runs at %s", ErrStatement, i, tx.To(), f.Address)
		case f.Value.ToBig().Cmp(tx.Value()) != 0:
			return nil, fmt.Errorf("%w: transaction %d sends %v wei, its frame has %v", ErrStatement, i, tx.Value(), f.Value.ToBig())
		case !bytes.Equal(f.Calldata, tx.Data()):
			return nil, fmt.Errorf("%w: transaction %d's calldata is not its frame's", ErrStatement, i)
		case f.Context.ChainID.ToBig().Cmp(h.ChainID) != 0:
			return nil, fmt.Errorf("%w: transaction %d's frame runs with chain id %v", ErrStatement, i, f.Context.ChainID.ToBig())
		}
		fw, err := verifier.Assign(f, c.Frame)
		if err != nil {
			return nil, fmt.Errorf("batch: transaction %d (%s) frame: %w", i, tx.Hash(), err)
		}

		in := out
		before := carry(acc, pending)
		acc = fold(acc, sigs[i])
		ctx := contextOf(sigs[i].Sender, *tx.To(), tx.Value(), tx.Data(), c.Calldata)
		rest := pending
		pending = push(ctx, rest)
		out = boundary(batch, h.ChainID, h.Transactions, acc, pending)
		add(KindTransaction, in, out, &transactionSegment{SegmentInputs: inputs(len(segs), in, out), carried: before, Tx: w})

		in = out
		before = carry(acc, pending)
		pending = rest
		out = boundary(batch, h.ChainID, h.Transactions, acc, pending)
		add(KindFrame, in, out, &frameSegment{SegmentInputs: inputs(len(segs), in, out), carried: before,
			Rest: rest.BigInt(new(big.Int)), Frame: fw.FrameWitness, dataCap: c.Calldata})
	}
	end := len(segs)
	add(KindEnd, out, new(big.Int), &endSegment{SegmentInputs: inputs(end, out, new(big.Int)), carried: carry(acc, pending)})
	return segs, nil
}

// isPrecompile reports whether addr is one of the booster's precompiles or
// Ethereum's (Osaka): a frame there runs no code a frame segment could
// prove.
func isPrecompile(addr common.Address) bool {
	return slices.Contains(precompiles.Addresses(), addr) || slices.Contains(vm.PrecompiledAddressesOsaka, addr)
}
