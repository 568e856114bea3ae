package batch

import "github.com/consensys/gnark/frontend"

// FrameSegmentOf is the frame segment assignment behind a, for the
// external tests to change.
func FrameSegmentOf(a frontend.Circuit) *frameSegment { return a.(*frameSegment) }

// EndSegmentOf is the end segment assignment behind a.
func EndSegmentOf(a frontend.Circuit) *endSegment { return a.(*endSegment) }

// TransactionSegmentOf is the transaction segment assignment behind a.
func TransactionSegmentOf(a frontend.Circuit) *transactionSegment { return a.(*transactionSegment) }
