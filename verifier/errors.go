package verifier

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/verifier/keycache"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// Errors of the prover. Refusals name the opcode and pc, or the capacity
// that a trace exceeds.
var (
	// ErrUnsupported means the execution used an opcode, or an operand,
	// that the circuit cannot prove yet; the error names the opcode and pc
	// (trace.ErrUnsupported).
	ErrUnsupported = trace.ErrUnsupported
	// ErrCapacity means the trace does not fit the circuit shape (too many
	// steps, too much code, calldata, stack, memory or storage).
	ErrCapacity = errors.New("verifier: trace exceeds the shape")
	// ErrExecution means the call ended in an exceptional halt (out of gas,
	// invalid jump, stack underflow...), which the circuit does not prove
	// (trace.ErrExecution).
	ErrExecution = trace.ErrExecution
	// ErrProof means a proof did not verify.
	ErrProof = errors.New("verifier: invalid proof")
	// ErrKeys means proving or verifying keys could not be made, read or
	// written (keycache.ErrKeys).
	ErrKeys = keycache.ErrKeys
	// ErrKeyCache means keys found on disk are truncated, corrupted, or
	// not one setup's pair; they are left in place, not replaced
	// (keycache.ErrKeyCache).
	ErrKeyCache = keycache.ErrKeyCache
	// ErrLink means the frames of a transaction do not fit together: a
	// call that is not the frame it entered, a frame that starts from
	// storage the frames before it did not leave (trace.Transaction.Check).
	ErrLink = trace.ErrLink
	// ErrInput means a nil or malformed argument: a nil trace or proof, a
	// public commitment that is not a reduced field element.
	ErrInput = errors.New("verifier: invalid input")
)

// unsupported is the refusal of an opcode the circuit does not prove,
// naming it and its pc.
func unsupported(op vm.OpCode, pc uint64) error {
	return fmt.Errorf("%w: opcode %s (0x%02x) at pc %d", ErrUnsupported, op, byte(op), pc)
}
