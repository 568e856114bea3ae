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
	// ErrUnsettleable is L1CallUnsettleable(address l1Contract, bytes4
	// selector): the L1 execution read or wrote a contract that a
	// settlement could not check or write, because it does not answer the
	// function with that selector (extsload for reads, applyStateUpdates
	// for writes) or L1 already refused a settlement for it. Every L1
	// change of the call is undone. Raised only by a booster that settles
	// on L1 (l1.View.RequireSettleable).
	ErrUnsettleable = newCustomError("L1CallUnsettleable(address,bytes4)")
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

// unsettleable returns the revert data of L1CallUnsettleable(contract, selector).
func unsettleable(contract common.Address, selector [4]byte) []byte {
	var addrWord, selWord [32]byte
	copy(addrWord[12:], contract[:])
	copy(selWord[:4], selector[:])
	return ErrUnsettleable.Encode(addrWord, selWord)
}

// DecodeUnsettleable parses the revert data of L1CallUnsettleable.
func DecodeUnsettleable(revertData []byte) (contract common.Address, selector [4]byte, err error) {
	if !ErrUnsettleable.Is(revertData) || len(revertData) != 4+64 {
		return common.Address{}, selector, fmt.Errorf("precompiles: not L1CallUnsettleable revert data: %x", revertData)
	}
	args := revertData[4:]
	if !bytes.Equal(args[:12], make([]byte, 12)) || !bytes.Equal(args[36:64], make([]byte, 28)) {
		return common.Address{}, selector, fmt.Errorf("precompiles: malformed L1CallUnsettleable arguments: %x", args)
	}
	return common.BytesToAddress(args[12:32]), [4]byte(args[32:36]), nil
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
