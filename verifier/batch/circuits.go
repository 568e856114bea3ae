package batch

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/poseidon2"
	"github.com/consensys/gnark/std/hash/sha3"
	"github.com/consensys/gnark/std/math/uints"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// Segment kinds, as indices into the aggregation circuit's kinds.
const (
	KindHeader = iota
	KindTransaction
	KindFrame
	KindEnd
	nbKinds
)

// Capacity is what one batch prover's segment circuits hold: transactions
// of up to Calldata bytes of calldata, and frames of Frame's shape.
type Capacity struct {
	Calldata int
	Frame    verifier.Shape
}

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
	out, err := boundaryVar(api, c.BatchHi, c.BatchLo, chainID, bytesValue(api, txs[:16]), bytesValue(api, txs[16:]), 0, 0)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// transactionSegment proves one transaction's signature, folds it into
// the running commitment and leaves the context its execution must have
// on the pending stack.
type transactionSegment struct {
	aggregate.SegmentInputs
	carried
	Tx txsig.Tx
}

// carried is what the header hands on through the boundaries: the L2
// chain id, the header's transactions commitment and the running one,
// and the pending stack: the hash chain of the frame contexts still to be
// proven, 0 when none is (frameContext; the next frame segment proves the
// first).
type carried struct {
	ChainID, TxsHi, TxsLo, Acc, Pending frontend.Variable
}

// boundary is the boundary of the carried values with acc as the running
// commitment and pending as the pending stack.
func (c *carried) boundary(api frontend.API, s *aggregate.SegmentInputs, acc, pending frontend.Variable) (frontend.Variable, error) {
	return boundaryVar(api, s.BatchHi, s.BatchLo, c.ChainID, c.TxsHi, c.TxsLo, acc, pending)
}

// Define implements frontend.Circuit.
func (c *transactionSegment) Define(api frontend.API) error {
	in, err := c.boundary(api, &c.SegmentInputs, c.Acc, c.Pending)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.In, in)
	// The transaction before this one has been executed in full.
	api.AssertIsEqual(c.Pending, 0)
	s, err := txsig.Verify(api, &c.Tx)
	if err != nil {
		return err
	}
	api.AssertIsEqual(s.ChainID, c.ChainID)
	// Contract creation is not proven yet.
	api.AssertIsEqual(s.Create, 0)
	acc, err := hashVars(api, c.Acc, s.HashHi, s.HashLo, s.Sender)
	if err != nil {
		return err
	}
	// The top frame: called by the sender, at the recipient, with the
	// transaction's value and calldata.
	ctx, err := frameContext(api, s.Sender, s.To, s.Value, c.Tx.DataLen, c.Tx.Data)
	if err != nil {
		return err
	}
	pending, err := hashVars(api, ctx, 0)
	if err != nil {
		return err
	}
	out, err := c.boundary(api, &c.SegmentInputs, acc, pending)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// frameSegment proves one call frame's execution (the EVM circuit's
// FrameWitness) and takes its context off the pending stack: the frame's
// caller, address, value and calldata must be the first pending
// context's, its origin the caller, its chain id the batch's.
type frameSegment struct {
	aggregate.SegmentInputs
	carried
	// Rest is the pending stack below this frame's context.
	Rest  frontend.Variable
	Frame verifier.FrameWitness
	// dataCap is the calldata capacity of the contexts (the transaction
	// segments').
	dataCap int `gnark:"-"`
}

// Define implements frontend.Circuit.
func (c *frameSegment) Define(api frontend.API) error {
	in, err := c.boundary(api, &c.SegmentInputs, c.Acc, c.Pending)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.In, in)
	f := &c.Frame
	if _, err := f.Constrain(api); err != nil {
		return err
	}
	addr := func(w verifier.Word) frontend.Variable { return api.Add(api.Mul(w.Hi, two128), w.Lo) }
	caller := addr(f.Caller)
	api.AssertIsEqual(addr(f.Origin), caller)
	api.AssertIsEqual(f.Context[verifier.ContextChainID].Hi, 0)
	api.AssertIsEqual(f.Context[verifier.ContextChainID].Lo, c.ChainID)
	// The calldata as the contexts hash it: the transaction capacity's
	// bytes, zero past the frame's own.
	data := make([]frontend.Variable, c.dataCap)
	for i := range data {
		data[i] = 0
		if i < len(f.Calldata) {
			data[i] = f.Calldata[i]
		}
	}
	for _, b := range f.Calldata[min(c.dataCap, len(f.Calldata)):] {
		api.AssertIsEqual(b, 0)
	}
	ctx, err := frameContext(api, caller, addr(f.Address), [2]frontend.Variable{f.Value.Hi, f.Value.Lo}, f.CalldataLen, data)
	if err != nil {
		return err
	}
	pending, err := hashVars(api, ctx, c.Rest)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Pending, pending)
	out, err := c.boundary(api, &c.SegmentInputs, c.Acc, c.Rest)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// frameContext hashes what a frame is entered with: caller and address
// (160-bit values), value (128-bit halves), calldata length and calldata
// bytes, zero-padded and packed 31 to an element.
func frameContext(api frontend.API, caller, address frontend.Variable, value [2]frontend.Variable, dataLen frontend.Variable, data []frontend.Variable) (frontend.Variable, error) {
	vs := []frontend.Variable{caller, address, value[0], value[1], dataLen}
	for i := 0; i < len(data); i += 31 {
		vs = append(vs, bytesValue(api, data[i:min(i+31, len(data))]))
	}
	return hashVars(api, vs...)
}

// endSegment checks the running commitment against the header's.
type endSegment struct {
	aggregate.SegmentInputs
	carried
}

// Define implements frontend.Circuit.
func (c *endSegment) Define(api frontend.API) error {
	in, err := c.boundary(api, &c.SegmentInputs, c.Acc, c.Pending)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.In, in)
	api.AssertIsEqual(c.Out, 0)
	// Every frame the transactions entered has been proven.
	api.AssertIsEqual(c.Pending, 0)
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
func boundaryVar(api frontend.API, batchHi, batchLo, chainID, txsHi, txsLo, acc, pending frontend.Variable) (frontend.Variable, error) {
	return hashVars(api, batchHi, batchLo, chainID, txsHi, txsLo, acc, pending)
}

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

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

// Circuits returns the segment circuits of capacity c, empty, in kind
// order (KindHeader, KindTransaction, KindFrame, KindEnd), for compiling.
func Circuits(c Capacity) ([]frontend.Circuit, error) {
	f, err := verifier.NewFrameWitness(c.Frame)
	if err != nil {
		return nil, fmt.Errorf("batch: frame shape: %w", err)
	}
	return []frontend.Circuit{&headerSegment{}, &transactionSegment{Tx: txsig.NewTx(c.Calldata)},
		&frameSegment{Frame: *f, dataCap: c.Calldata}, &endSegment{}}, nil
}
