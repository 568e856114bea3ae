package precompiles

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
)

// CustomError is a Solidity custom error as the precompiles return it in
// revert data.
type CustomError struct {
	Signature string
	Selector  [4]byte
}

func newCustomError(sig string) CustomError {
	return CustomError{Signature: sig, Selector: [4]byte(crypto.Keccak256([]byte(sig))[:4])}
}

// The custom errors of SPEC §1.
var (
	// ErrInvalidInput is L1CallInvalidInput(): input shorter than 20 bytes.
	ErrInvalidInput = newCustomError("L1CallInvalidInput()")
	// ErrValueNotAllowed is L1CallValueNotAllowed(): the precompile was
	// called with msg.value != 0.
	ErrValueNotAllowed = newCustomError("L1CallValueNotAllowed()")
	// ErrUnsupported is L1CallUnsupported(uint8 opcode, address l1Contract):
	// the L1 execution reached an effect storage writes cannot reproduce.
	ErrUnsupported = newCustomError("L1CallUnsupported(uint8,address)")
	// ErrStaticViolation is L1CallStaticViolation(): an L1CALL from inside
	// an L2 STATICCALL would write L1 state.
	ErrStaticViolation = newCustomError("L1CallStaticViolation()")
)

// Errors that end a batch rather than an L2 call.
var (
	// ErrNoFrame means a precompile ran without the tracing hooks of its Env
	// installed on the EVM, so its caller is unknown.
	ErrNoFrame = errors.New("precompiles: call frame unknown; install Env.Hooks on the EVM")
	// ErrL1Source means the L1 source failed during an L1 execution.
	ErrL1Source = errors.New("precompiles: L1 source failed")
)

// Encode returns the revert data of the error with the given ABI-encoded
// arguments (each a 32-byte word).
func (e CustomError) Encode(args ...[32]byte) []byte {
	out := make([]byte, 0, 4+32*len(args))
	out = append(out, e.Selector[:]...)
	for _, a := range args {
		out = append(out, a[:]...)
	}
	return out
}

// Is reports whether revert data carries this error.
func (e CustomError) Is(revertData []byte) bool {
	return len(revertData) >= 4 && bytes.Equal(revertData[:4], e.Selector[:])
}

// unsupported returns the revert data of L1CallUnsupported(op, contract).
func unsupported(op vm.OpCode, contract common.Address) []byte {
	var opWord, addrWord [32]byte
	opWord[31] = byte(op)
	copy(addrWord[12:], contract[:])
	return ErrUnsupported.Encode(opWord, addrWord)
}

// DecodeUnsupported parses the revert data of L1CallUnsupported.
func DecodeUnsupported(revertData []byte) (op vm.OpCode, contract common.Address, err error) {
	if !ErrUnsupported.Is(revertData) || len(revertData) != 4+64 {
		return 0, common.Address{}, fmt.Errorf("precompiles: not L1CallUnsupported revert data: %x", revertData)
	}
	args := revertData[4:]
	if !bytes.Equal(args[:31], make([]byte, 31)) || !bytes.Equal(args[32:44], make([]byte, 12)) {
		return 0, common.Address{}, fmt.Errorf("precompiles: malformed L1CallUnsupported arguments: %x", args)
	}
	return vm.OpCode(args[31]), common.BytesToAddress(args[44:64]), nil
}
