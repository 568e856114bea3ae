package trace

import "errors"

// Errors of trace capture and linking. The verifier package exports the
// same values (verifier.ErrUnsupported, ErrExecution, ErrLink), so
// errors.Is holds across the two.
var (
	// ErrUnsupported means the execution used an opcode, or an operand,
	// that the circuit cannot prove yet; the error names the opcode and pc.
	ErrUnsupported = errors.New("verifier: unsupported")
	// ErrExecution means the call ended in an exceptional halt (out of gas,
	// invalid jump, stack underflow...), which the circuit does not prove.
	ErrExecution = errors.New("verifier: exceptional halt")
	// ErrLink means the frames of a transaction do not fit together: a
	// call that is not the frame it entered, a frame that starts from
	// storage the frames before it did not leave (Transaction.Check).
	ErrLink = errors.New("verifier: frames do not link")
)
