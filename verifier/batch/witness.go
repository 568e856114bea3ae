package batch

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/core/types"

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
// applied transactions txs, in order, for transaction circuits of
// calldata capacity dataCap.
func Witnesses(h *Header, txs []*types.Transaction, dataCap int) ([]SegmentWitness, error) {
	if h.ChainID == nil || !h.ChainID.IsUint64() {
		return nil, fmt.Errorf("%w: L2 chain id %v is not a 64-bit value", ErrStatement, h.ChainID)
	}
	sigs, err := Signatures(txs)
	if err != nil {
		return nil, err
	}
	if c := TransactionsCommitment(sigs); c != h.Transactions {
		return nil, fmt.Errorf("%w: the header's transactions commitment %s, the transactions' %s", ErrStatement, h.Transactions, c)
	}
	batch := h.Hash()
	txsHi, txsLo := new(big.Int).SetBytes(h.Transactions[:16]), new(big.Int).SetBytes(h.Transactions[16:])
	inputs := func(index int, in, out *big.Int) aggregate.SegmentInputs {
		return aggregate.Segment{Batch: batch, Index: uint64(index), In: in, Out: out}.Inputs()
	}
	segment := func(index int, in, out *big.Int) aggregate.Segment {
		return aggregate.Segment{Batch: batch, Index: uint64(index), In: in, Out: out}
	}

	var acc fr.Element
	out := boundary(batch, h.ChainID, h.Transactions, acc)
	head := &headerSegment{SegmentInputs: inputs(0, new(big.Int), out)}
	for i, w := range h.Words() {
		for j, b := range w {
			head.Words[i][j] = b
		}
	}
	segs := []SegmentWitness{{Kind: KindHeader, Assignment: head, Segment: segment(0, new(big.Int), out)}}
	for i, tx := range txs {
		if tx.ChainId().Cmp(h.ChainID) != 0 {
			return nil, fmt.Errorf("%w: transaction %d is for chain %v, the batch for %v", ErrStatement, i, tx.ChainId(), h.ChainID)
		}
		w, _, err := txsig.Assign(tx, dataCap)
		if err != nil {
			return nil, fmt.Errorf("batch: transaction %d (%s): %w", i, tx.Hash(), err)
		}
		in := out
		accBig := acc.BigInt(new(big.Int))
		acc = fold(acc, sigs[i])
		out = boundary(batch, h.ChainID, h.Transactions, acc)
		segs = append(segs, SegmentWitness{Kind: KindTransaction, Segment: segment(i+1, in, out), Assignment: &transactionSegment{
			SegmentInputs: inputs(i+1, in, out), carried: carried{ChainID: h.ChainID, TxsHi: txsHi, TxsLo: txsLo, Acc: accBig}, Tx: w,
		}})
	}
	end := len(txs) + 1
	segs = append(segs, SegmentWitness{Kind: KindEnd, Segment: segment(end, out, new(big.Int)), Assignment: &endSegment{
		SegmentInputs: inputs(end, out, new(big.Int)), carried: carried{ChainID: h.ChainID, TxsHi: txsHi, TxsLo: txsLo, Acc: acc.BigInt(new(big.Int))},
	}})
	return segs, nil
}
