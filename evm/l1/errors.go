package l1

import "errors"

// Errors returned by sources and views.
var (
	// ErrSource wraps every failure of the underlying L1 client.
	ErrSource = errors.New("l1: source")
	// ErrNoHeader means the source could not return the pinned header.
	ErrNoHeader = errors.New("l1: no pinned header")
)
