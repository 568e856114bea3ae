package batch

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/poseidon2"
	"github.com/consensys/gnark/std/hash/sha3"
	"github.com/consensys/gnark/std/math/uints"

	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// Segment kinds, as indices into the aggregation circuit's kinds.
const (
	KindHeader = iota
	KindTransaction
	KindEnd
	nbKinds
)

// headerSegment proves the header behind the batch commitment.
type headerSegment struct {
	aggregate.SegmentInputs
	Words [NbHeaderWords][32]frontend.Variable
}

// Define implements frontend.Circuit.
func (c *headerSegment) Define(api frontend.API) error {
	api.AssertIsEqual(c.Index, 0)
	api.AssertIsEqual(c.In, 0)
	bf, err := uints.NewBytes(api)
	if err != nil {
		return fmt.Errorf("batch: bytes: %w", err)
	}
	h, err := sha3.NewLegacyKeccak256(api)
	if err != nil {
		return fmt.Errorf("batch: keccak: %w", err)
	}
	for _, w := range c.Words {
		for _, b := range w {
			h.Write([]uints.U8{bf.ValueOf(b)})
		}
	}
	sum := h.Sum()
	hash := make([]frontend.Variable, 32)
	for i := range sum {
		hash[i] = bf.ValueUnchecked(sum[i])
	}
	api.AssertIsEqual(bytesValue(api, hash[:16]), c.BatchHi)
	api.AssertIsEqual(bytesValue(api, hash[16:]), c.BatchLo)
	// The L2 chain id is a 64-bit word.
	for _, b := range c.Words[2][:24] {
		api.AssertIsEqual(b, 0)
	}
	chainID := bytesValue(api, c.Words[2][24:])
	txs := c.Words[7]
	out, err := boundaryVar(api, c.BatchHi, c.BatchLo, chainID, bytesValue(api, txs[:16]), bytesValue(api, txs[16:]), 0)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// transactionSegment proves one transaction's signature and folds it into
// the running commitment.
type transactionSegment struct {
	aggregate.SegmentInputs
	carried
	Tx txsig.Tx
}

// carried is what the header hands on through the boundaries: the L2
// chain id, the header's transactions commitment and the running one.
type carried struct {
	ChainID, TxsHi, TxsLo, Acc frontend.Variable
}

// boundary is the boundary of the carried values with acc as the running
// commitment.
func (c *carried) boundary(api frontend.API, s *aggregate.SegmentInputs, acc frontend.Variable) (frontend.Variable, error) {
	return boundaryVar(api, s.BatchHi, s.BatchLo, c.ChainID, c.TxsHi, c.TxsLo, acc)
}

// Define implements frontend.Circuit.
func (c *transactionSegment) Define(api frontend.API) error {
	in, err := c.boundary(api, &c.SegmentInputs, c.Acc)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.In, in)
	s, err := txsig.Verify(api, &c.Tx)
	if err != nil {
		return err
	}
	api.AssertIsEqual(s.ChainID, c.ChainID)
	acc, err := hashVars(api, c.Acc, s.HashHi, s.HashLo, s.Sender)
	if err != nil {
		return err
	}
	out, err := c.boundary(api, &c.SegmentInputs, acc)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// endSegment checks the running commitment against the header's.
type endSegment struct {
	aggregate.SegmentInputs
	carried
}

// Define implements frontend.Circuit.
func (c *endSegment) Define(api frontend.API) error {
	in, err := c.boundary(api, &c.SegmentInputs, c.Acc)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.In, in)
	api.AssertIsEqual(c.Out, 0)
	// Canonical bits: the commitment is the field element's 32 bytes.
	bits := api.ToBinary(c.Acc)
	api.AssertIsEqual(api.FromBinary(bits[128:]...), c.TxsHi)
	api.AssertIsEqual(api.FromBinary(bits[:128]...), c.TxsLo)
	// The aggregation circuit switches between segment keys of one
	// layout: one commitment each, to private variables only.
	cm, err := api.(frontend.Committer).Commit(c.Acc, c.ChainID)
	if err != nil {
		return fmt.Errorf("batch: commit: %w", err)
	}
	api.AssertIsDifferent(cm, 0)
	return nil
}

// boundaryVar is boundary in the circuit.
func boundaryVar(api frontend.API, batchHi, batchLo, chainID, txsHi, txsLo, acc frontend.Variable) (frontend.Variable, error) {
	return hashVars(api, batchHi, batchLo, chainID, txsHi, txsLo, acc)
}

func hashVars(api frontend.API, vs ...frontend.Variable) (frontend.Variable, error) {
	h, err := poseidon2.New(api)
	if err != nil {
		return nil, fmt.Errorf("batch: poseidon2: %w", err)
	}
	h.Write(vs...)
	return h.Sum(), nil
}

// bytesValue is the big-endian value of at most 31 bytes.
func bytesValue(api frontend.API, b []frontend.Variable) frontend.Variable {
	var r frontend.Variable = 0
	for _, v := range b {
		r = api.Add(api.Mul(r, 256), v)
	}
	return r
}

// Circuits returns the three segment circuits, empty, for transactions of
// up to dataCap bytes of calldata, in kind order (KindHeader,
// KindTransaction, KindEnd), for compiling.
func Circuits(dataCap int) []frontend.Circuit {
	return []frontend.Circuit{&headerSegment{}, &transactionSegment{Tx: txsig.NewTx(dataCap)}, &endSegment{}}
}
