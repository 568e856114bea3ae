package evm

import "errors"

// Errors of the L2 EVM. Refusals of a transaction wrap ErrRejected and, where
// go-ethereum gives one, its own error (core.ErrNonceTooLow,
// types.ErrInvalidChainId, types.ErrInvalidSig, ...).
var (
	// ErrRejected means the transaction was not applied; the L2 state is as
	// it was.
	ErrRejected = errors.New("evm: transaction rejected")
	// ErrBlockClosed means the block was already committed or discarded.
	ErrBlockClosed = errors.New("evm: block closed")
	// ErrConfig means the configuration is invalid.
	ErrConfig = errors.New("evm: invalid configuration")
	// ErrBlobTx means a blob transaction was submitted; the L2 carries no
	// blobs.
	ErrBlobTx = errors.New("evm: blob transactions are not supported")
	// ErrRewind means the chain cannot rewind to the requested block.
	ErrRewind = errors.New("evm: cannot rewind")
)
