package aggregate

// Test helpers for the external tests.
var (
	ToyKind = toyKind
	ToyRun  = toyRun
)

// Batch commitments of the tests.
var BatchA, BatchB = batchA, batchB
