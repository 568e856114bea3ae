package aggregate

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
)

// Errors of aggregation.
var (
	// ErrSegments means the segment proofs handed to the aggregation
	// prover do not fit it: none, more than its arity, a kind it has no
	// key for, or public inputs of another layout.
	ErrSegments = errors.New("aggregate: segments do not fit the aggregation circuit")
	// ErrKeys means a verifying or proving key of another curve or
	// circuit than expected.
	ErrKeys = errors.New("aggregate: wrong key")
	// ErrProve means gnark refused to prove: the witness does not satisfy
	// the circuit (the segments do not form one run of the batch, or a
	// segment proof does not verify).
	ErrProve = errors.New("aggregate: proving failed")
)

// NbSegmentInputs is the number of public inputs of a segment circuit.
const NbSegmentInputs = 5

// SegmentInputs is the public part every segment circuit starts with: its
// first field, so that its public inputs are these five, in this order.
// BatchHi and BatchLo are the high and low 128 bits of the batch
// commitment; Index is the segment's position in the batch; In and Out are
// the commitments of the state it starts from and hands on (0 before the
// first segment and after the last).
type SegmentInputs struct {
	BatchHi frontend.Variable `gnark:",public"`
	BatchLo frontend.Variable `gnark:",public"`
	Index   frontend.Variable `gnark:",public"`
	In      frontend.Variable `gnark:",public"`
	Out     frontend.Variable `gnark:",public"`
}

// Segment is the public values of one segment, in the clear.
type Segment struct {
	Batch   [32]byte
	Index   uint64
	In, Out *big.Int
}

// Inputs returns the segment's public inputs as a segment circuit's
// assignment takes them.
func (s Segment) Inputs() SegmentInputs {
	hi, lo := splitBatch(s.Batch)
	return SegmentInputs{BatchHi: hi, BatchLo: lo, Index: s.Index, In: orZero(s.In), Out: orZero(s.Out)}
}

// splitBatch returns the high and low 128 bits of a batch commitment.
func splitBatch(b [32]byte) (hi, lo *big.Int) {
	return new(big.Int).SetBytes(b[:16]), new(big.Int).SetBytes(b[16:])
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

func segmentsError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSegments}, args...)...)
}
