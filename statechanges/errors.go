package statechanges

import "errors"

// Errors returned by the decoders. Each decoding error wraps exactly one of
// them, so callers can test with errors.Is.
var (
	// ErrTruncated means the input ended before the encoding said it would.
	ErrTruncated = errors.New("statechanges: input truncated")
	// ErrTrailingBytes means bytes follow a complete encoding.
	ErrTrailingBytes = errors.New("statechanges: trailing bytes after encoding")
	// ErrBadHeader means the kind or version byte is not one this package
	// writes.
	ErrBadHeader = errors.New("statechanges: unknown kind or version")
	// ErrDuplicate means the same key appears twice.
	ErrDuplicate = errors.New("statechanges: duplicate entry")
	// ErrNotCanonical means entries that must be sorted are not in strictly
	// ascending order.
	ErrNotCanonical = errors.New("statechanges: entries not in canonical order")
	// ErrBadCalldata means calldata is not an applyStateUpdates call.
	ErrBadCalldata = errors.New("statechanges: not applyStateUpdates calldata")
)
