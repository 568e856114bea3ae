package batch

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// FrameSegmentOf is the frame segment assignment behind a, for the
// external tests to change.
func FrameSegmentOf(a frontend.Circuit) *frameSegment { return a.(*frameSegment) }

// EndSegmentOf is the end segment assignment behind a.
func EndSegmentOf(a frontend.Circuit) *endSegment { return a.(*endSegment) }

// TransactionSegmentOf is the transaction segment assignment behind a.
func TransactionSegmentOf(a frontend.Circuit) *transactionSegment { return a.(*transactionSegment) }

// Relabel makes the frame segment a, of the frame traced as tr in a batch
// with header h, say that the frame is of layer l1 and static as given:
// the context it pops, so the pending stack and the boundary it starts
// from, are what Witnesses would give such a frame, and a test reaches
// the constraints on the frame itself.
func Relabel(a frontend.Circuit, h *Header, tr *trace.Trace, l1, static bool) {
	s := a.(*frameSegment)
	// The logs it hands back: what its last callee handed back, for a
	// frame that logs nothing itself, or its own folded into its layer's
	// chain, for one whose callees log nothing.
	in := logsOf(s.LogsIn)
	out := in
	if n := len(tr.Calls); n > 0 && !tr.Reverted {
		out = logsOf(s.CallLogs[n-1])
	}
	layer := 0
	if l1 {
		layer = 1
	}
	for _, l := range tr.Logs {
		if !tr.Reverted {
			out[layer] = chainLog(out[layer], tr.Address, l.Topics, l.Data)
		}
	}
	ctx := push(entryOf(tr.Caller, tr.Origin, tr.Context.GasPrice.ToBig(), tr.Address, tr.Value.ToBig(), tr.Calldata, entryFlags{l1: l1, static: static, doomed: u64Of(s.Doomed), sandbox: isOne(s.Sandbox), readOnly: isOne(s.ReadOnly)}, in, u64Of(s.Tx), delegationOf(s.Delegation), fesOf(s.Ancestors), s.dataCap),
		outcomeOf(!tr.Reverted, tr.ReturnData, out, s.words))
	var rest, acc fr.Element
	rest.SetBigInt(s.Rest.(*big.Int))
	acc.SetBigInt(s.Acc.(*big.Int))
	p := push(ctx, rest)
	s.L1, s.Static = 0, 0
	if l1 {
		s.L1 = 1
	}
	if static {
		s.Static = 1
	}
	s.Pending = p.BigInt(new(big.Int))
	s.In = boundary(h.Hash(), h.ChainID, h.Transactions, acc, p, memOf(s.Mem))
}
