package batch

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// A transaction's logs are two hash chains, one of the logs L2 code
// emitted and one of those L1 code emitted through L1CALL, each in the
// order of emission, without the logs of frames that reverted (or of
// frames below them). Each chain starts at zero and takes one log a step:
// the Poseidon2 hash of the value so far and the log's hash (logHash).
// The chains run through the frames as the EVM ran them: each frame is
// entered with both chains' values (its frameEntry binds them) and hands
// back the values after its own logs and its callees' (its frameOutcome
// binds them), or the values it was entered with if it reverted. A frame
// segment folds its frame's logs into its layer's chain between its
// calls, in the order of the frame's rows, so a log cannot be dropped,
// changed or moved past a call, and the transaction segment folds the
// top frame's values into the transactions commitment.

// LogsDigest is the digest the transactions commitment binds of a
// transaction's logs of one layer (Signature.Logs, Signature.L1Logs):
// logs in the order the transaction emitted them, those of reverted
// frames left out (a receipt's Logs, or the booster's L1Logs). The empty
// list's digest is zero.
func LogsDigest(logs []*types.Log) common.Hash {
	var acc fr.Element
	for _, l := range logs {
		acc = chainLog(acc, l.Address, l.Topics, l.Data)
	}
	return common.Hash(acc.Bytes())
}

// chainLog is one step of a log chain: acc, then the log at address with
// topics and data.
func chainLog(acc fr.Element, address common.Address, topics []common.Hash, data []byte) fr.Element {
	return hashElements(acc, logHashOf(address, topics, data))
}

// logHashOf is a log's hash: the Poseidon2 hash of its address, its
// topic count, its four topics' 128-bit halves (zeros past the count),
// its data's length and its data's digest, which starts at zero and
// takes one 32-byte word of the data a step (the last zero-padded): the
// hash of the value so far and the word's halves.
func logHashOf(address common.Address, topics []common.Hash, data []byte) fr.Element {
	es := []fr.Element{elem(address[:]), fr.NewElement(uint64(len(topics)))}
	for t := range maxLogTopics {
		var h common.Hash
		if t < len(topics) {
			h = topics[t]
		}
		es = append(es, elem(h[:16]), elem(h[16:]))
	}
	var d fr.Element
	for k := 0; k < len(data); k += 32 {
		var w [32]byte
		copy(w[:], data[k:])
		d = hashElements(d, elem(w[:16]), elem(w[16:]))
	}
	return hashElements(append(es, fr.NewElement(uint64(len(data))), d)...)
}

// maxLogTopics is the most topics a log has (LOG4).
const maxLogTopics = 4

// logChains is where a frame's log chains stand: In the values it was
// entered with, End those after its logs and its callees' (where it
// returns), Out those it hands back (In where it reverted), and At[j]
// those at its call j. Index 0 is the L2 chain, 1 the L1 chain.
type logChains struct {
	In, End, Out [2]fr.Element
	At           [][2]fr.Element
}

// chainsOf follows the log chains through the frames of e that a frame
// segment proves: each frame's logs folded into its layer's chain, its
// callees entered between them as its steps order them. top is the
// frame the transaction segment enters (the transaction's own, or for a
// transaction sent to L1CALL the L1 frame below it), entered with both
// chains at zero; cf, if set, are a test's faults. It fails where a
// frame's steps and its logs disagree.
func chainsOf(e *trace.Transaction, top int, cf *chainFaults) ([]logChains, error) {
	var fold func(k int, acc fr.Element, address common.Address, l trace.Log) fr.Element
	if cf != nil {
		fold = cf.fold
	}
	out := make([]logChains, len(e.Frames))
	var walk func(k int, in [2]fr.Element) ([2]fr.Element, error)
	walk = func(k int, in [2]fr.Element) ([2]fr.Element, error) {
		f := e.Frames[k]
		tr := f.Trace
		layer := 0
		if f.L1 {
			layer = 1
		}
		acc, logs, calls := in, 0, 0
		var at [][2]fr.Element
		steps := tr.Steps
		if cf != nil && cf.logsFirst {
			steps = logsFirst(steps)
		}
		for _, st := range steps {
			switch st.Op {
			case vm.LOG0, vm.LOG1, vm.LOG2, vm.LOG3, vm.LOG4:
				if logs >= len(tr.Logs) {
					return acc, fmt.Errorf("%w: the frame at %s runs more LOG steps than it has logs", ErrStatement, tr.Address)
				}
				l := tr.Logs[logs]
				if fold != nil {
					acc[layer] = fold(k, acc[layer], tr.Address, l)
				} else {
					acc[layer] = chainLog(acc[layer], tr.Address, l.Topics, l.Data)
				}
				logs++
			case vm.CALL, vm.STATICCALL, vm.DELEGATECALL, vm.CALLCODE:
				at = append(at, acc)
				if child := calleeFrame(e, k, calls); child >= 0 {
					var err error
					if acc, err = walk(child, acc); err != nil {
						return acc, err
					}
				}
				calls++
			}
		}
		if logs != len(tr.Logs) {
			return acc, fmt.Errorf("%w: the frame at %s has %d logs and %d LOG steps", ErrStatement, tr.Address, len(tr.Logs), logs)
		}
		c := logChains{In: in, End: acc, Out: acc, At: at}
		if tr.Reverted && (cf == nil || !cf.keepReverted) {
			c.Out = in
		}
		// An L1SANDBOXCALL's L1 frame hands back what it was given:
		// its L1 logs and its callees' are thrown away (SPEC §1).
		if sandboxFrame(e, k) && (cf == nil || !cf.keepSandbox) {
			c.Out = in
		}
		out[k] = c
		return c.Out, nil
	}
	if _, err := walk(top, [2]fr.Element{}); err != nil {
		return nil, err
	}
	return out, nil
}

// chainFaults are faults of the log chains chainsOf follows: fold, if
// set, replaces chainLog for the frame at index k; logsFirst folds each
// frame's logs before its calls; keepReverted keeps a reverted frame's
// logs, keepSandbox those of an L1SANDBOXCALL's L1 frame.
type chainFaults struct {
	fold                                 func(k int, acc fr.Element, address common.Address, l trace.Log) fr.Element
	logsFirst, keepReverted, keepSandbox bool
}

// sandboxFrame reports whether frame k of e is the L1 frame an
// L1SANDBOXCALL of an L2 frame entered.
func sandboxFrame(e *trace.Transaction, k int) bool {
	f := e.Frames[k]
	if !f.L1 || f.Parent < 0 || e.Frames[f.Parent].L1 {
		return false
	}
	calls := e.Frames[f.Parent].Trace.Calls
	return f.Call < len(calls) && calls[f.Call].Callee() == precompiles.L1SandboxCallAddress
}

// chainFaults are fl's log chain faults for transaction i (nil for none).
func (fl *faults) chainFaults(i int) *chainFaults {
	keepSandbox := fl != nil && (fl.sandboxKept || fl.sandboxLogs)
	if fl == nil || (fl.logFold == nil && !fl.logsFirst && !fl.keepRevertedLogs && !keepSandbox) {
		return nil
	}
	cf := &chainFaults{logsFirst: fl.logsFirst, keepReverted: fl.keepRevertedLogs, keepSandbox: keepSandbox}
	if fl.logFold != nil {
		cf.fold = func(k int, acc fr.Element, address common.Address, l trace.Log) fr.Element {
			return fl.logFold(i, k, acc, address, l)
		}
	}
	return cf
}

// logsFirst is steps with the LOG steps moved before the others.
func logsFirst(steps []trace.Step) []trace.Step {
	var logs, rest []trace.Step
	for _, st := range steps {
		if st.Op >= vm.LOG0 && st.Op <= vm.LOG4 {
			logs = append(logs, st)
		} else {
			rest = append(rest, st)
		}
	}
	return append(logs, rest...)
}

// calleeFrame is the index in e.Frames of the frame running code that
// call j of frame k entered (for L1CALL, the L1 frame below the
// precompile's own), -1 for none.
func calleeFrame(e *trace.Transaction, k, j int) int {
	child := -1
	for n, g := range e.Frames {
		if g.Parent == k && g.Call == j && len(g.Trace.Code) > 0 {
			child = n
		}
	}
	return child
}

// chainValues are a frame's log chains as circuit values.
func chainValues(c [2]fr.Element) [2]frontend.Variable {
	return [2]frontend.Variable{c[0].BigInt(new(big.Int)), c[1].BigInt(new(big.Int))}
}

// hashOfElement is a field element as a 32-byte hash (its canonical
// big-endian bytes).
func hashOfElement(e fr.Element) common.Hash { return common.Hash(e.Bytes()) }

// logHash is logHashOf in the circuit for a log entry of a frame at
// address (its topics past N and its data past Len are zero, N at most
// 4 and Len below 2^16, as the frame's constraints have them).
func logHash(api frontend.API, address frontend.Variable, e *verifier.LogEntry) (frontend.Variable, error) {
	vs := []frontend.Variable{address, e.N}
	var present frontend.Variable = 1
	for t := range maxLogTopics {
		// Topic t is present where N > t.
		present = api.Mul(present, api.Sub(1, api.IsZero(api.Sub(e.N, t))))
		vs = append(vs, api.Mul(present, e.Topics[t].Hi), api.Mul(present, e.Topics[t].Lo))
	}
	var d frontend.Variable = 0
	for k, w := range e.Data {
		// Word k is data where Len > 32k.
		bits := api.ToBinary(api.Add(api.Sub(e.Len, 32*k+1), 1<<17), 18)
		h, err := hashVars(api, d, w.Hi, w.Lo)
		if err != nil {
			return nil, err
		}
		d = api.Select(bits[17], h, d)
	}
	return hashVars(api, append(vs, e.Len, d)...)
}

// idBits bounds the row indices that order a frame's logs and calls.
const idBits = 24

// logChains folds the frame's logs into its layer's chain from the
// values it was entered with (LogsIn), its calls in between: call i's
// callee is entered with the values after the logs before it and hands
// back CallLogs[i] (a call that enters no frame, enters[i] 0, hands back
// what it was given). It returns the values each call entry's callee is
// entered with and those after the last log or call.
func (c *frameSegment) logChains(api frontend.API, address frontend.Variable, enters []frontend.Variable) ([][2]frontend.Variable, [2]frontend.Variable, error) {
	f := &c.Frame
	nc, nl := len(f.Calls), len(f.Logs)
	// own is the chain of the frame's layer, other the other layer's.
	split := func(v [2]frontend.Variable) (frontend.Variable, frontend.Variable) {
		return api.Select(c.L1, v[1], v[0]), api.Select(c.L1, v[0], v[1])
	}
	join := func(own, other frontend.Variable) [2]frontend.Variable {
		return [2]frontend.Variable{api.Select(c.L1, other, own), api.Select(c.L1, own, other)}
	}
	// earlier[j][i] is 1 where log j and call i are used and the call's
	// first row comes before the log's.
	earlier := make([][]frontend.Variable, nl)
	for j := range f.Logs {
		earlier[j] = make([]frontend.Variable, nc)
		for i := range f.Calls {
			both := api.Mul(f.Logs[j].Used, f.Calls[i].Used)
			bits := api.ToBinary(api.Add(api.Mul(both, api.Sub(f.Logs[j].ID, f.Calls[i].ID)), 1<<(idBits-1)), idBits)
			earlier[j][i] = api.Mul(both, bits[idBits-1])
		}
	}
	// starts[i] are the values after call i − 1 returned (the frame's
	// own at 0).
	starts := make([][2]frontend.Variable, nc+1)
	starts[0] = c.LogsIn
	for i := range f.Calls {
		starts[i+1] = c.CallLogs[i]
	}
	startOwn := make([]frontend.Variable, nc+1)
	for i := range starts {
		startOwn[i], _ = split(starts[i])
	}
	// after[j] is the own chain after log j.
	after := make([]frontend.Variable, nl)
	var prevK frontend.Variable
	for j := range f.Logs {
		var k frontend.Variable = 0
		for i := range f.Calls {
			k = api.Add(k, earlier[j][i])
		}
		before := pick(api, startOwn, k)
		if j > 0 {
			before = api.Select(api.IsZero(api.Sub(k, prevK)), after[j-1], before)
		}
		h, err := logHash(api, address, &f.Logs[j])
		if err != nil {
			return nil, [2]frontend.Variable{}, err
		}
		if after[j], err = hashVars(api, before, h); err != nil {
			return nil, [2]frontend.Variable{}, err
		}
		prevK = k
	}
	var total frontend.Variable = 0
	for j := range f.Logs {
		total = api.Add(total, f.Logs[j].Used)
	}
	// entered(i, n, prev) is the values at call i (the end at nc), n
	// logs coming before it and prev before call i − 1.
	entered := func(i int, n, prev frontend.Variable) [2]frontend.Variable {
		own, other := split(starts[i])
		last := pick(api, after, api.Sub(n, 1))
		return join(api.Select(api.IsZero(api.Sub(n, prev)), own, last), other)
	}
	ins := make([][2]frontend.Variable, nc)
	var prev frontend.Variable = 0
	for i := range f.Calls {
		n := total
		for j := range f.Logs {
			n = api.Sub(n, earlier[j][i])
		}
		ins[i] = entered(i, n, prev)
		// A call that enters no frame (an unused entry, or a call of
		// the identity precompile) hands back what it was given.
		none := api.Sub(1, enters[i])
		for l := range 2 {
			api.AssertIsEqual(api.Mul(none, api.Sub(c.CallLogs[i][l], ins[i][l])), 0)
		}
		prev = n
	}
	return ins, entered(nc, total, prev), nil
}

// pick is vs[i], or zero where i is no index of vs.
func pick(api frontend.API, vs []frontend.Variable, i frontend.Variable) frontend.Variable {
	var out frontend.Variable = 0
	for k, v := range vs {
		out = api.Add(out, api.Mul(api.IsZero(api.Sub(i, k)), v))
	}
	return out
}
