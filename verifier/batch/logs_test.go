package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// logShape is callShape with room for the logs tests' frames: two calls
// and three logs of up to two data words.
var logShape = func() verifier.Shape {
	s := callShape
	s.Steps, s.Code, s.Calls, s.Logs, s.LogData = 96, 160, 2, 3, 2
	return s
}()

// logCapacity holds the logs tests' batches.
var logCapacity = Capacity{Calldata: dataCap, Frame: logShape, Slots: 1, L1Slots: 1}

// Addresses of the logs tests' contracts.
var (
	logParent   = common.HexToAddress("0x00000000000000000000000000000000000000c1")
	logChild    = common.HexToAddress("0x00000000000000000000000000000000000000c2")
	logReverter = common.HexToAddress("0x00000000000000000000000000000000000000c3")
)

// logCall is code that calls to with no input and drops the outcome.
func logCall(to common.Address) []byte {
	code := []byte{0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73}
	code = append(code, to[:]...)
	return append(code, 0x5a, 0xf1, 0x50)
}

// logsWorld is the logs tests' L2 state: logParent stores 1 in memory,
// logs A (LOG1 0xaa, one word), calls logChild (which stores 7 and logs
// B: LOG1 0xdd, one word), logs C (LOG2 0xbb 0xcc, no data), calls
// logReverter (which logs E, LOG0 without data, and reverts), and logs D
// (LOG0, 40 bytes).
func logsWorld() *world {
	parent := []byte{0x60, 1, 0x60, 0, 0x52, 0x60, 0xaa, 0x60, 0x20, 0x60, 0, 0xa1}
	parent = append(parent, logCall(logChild)...)
	parent = append(parent, 0x60, 0xcc, 0x60, 0xbb, 0x60, 0, 0x60, 0, 0xa2)
	parent = append(parent, logCall(logReverter)...)
	parent = append(parent, 0x60, 40, 0x60, 0, 0xa0, 0x00)
	child := []byte{0x60, 7, 0x60, 0, 0x52, 0x60, 0xdd, 0x60, 0x20, 0x60, 0, 0xa1, 0x00}
	reverter := []byte{0x60, 0, 0x60, 0, 0xa0, 0x60, 0, 0x60, 0, 0xfd}
	return &world{code: map[common.Address][]byte{logParent: parent, logChild: child, logReverter: reverter}, storage: map[common.Address]map[common.Hash]common.Hash{}}
}

// word is v as a 32-byte word.
func wordOf(v byte) []byte { return common.LeftPadBytes([]byte{v}, 32) }

// logsOfWorld are logsWorld's logs as the EVM keeps them: A, B, C, D
// (E's frame reverted).
func logsOfWorld() []*types.Log {
	topic := func(b byte) common.Hash { return common.BytesToHash([]byte{b}) }
	d := append(wordOf(1), make([]byte, 8)...)
	return []*types.Log{
		{Address: logParent, Topics: []common.Hash{topic(0xaa)}, Data: wordOf(1)},
		{Address: logChild, Topics: []common.Hash{topic(0xdd)}, Data: wordOf(7)},
		{Address: logParent, Topics: []common.Hash{topic(0xbb), topic(0xcc)}, Data: []byte{}},
		{Address: logParent, Data: d},
	}
}

// headerWithLogs is a header for txs whose transactions commitment
// binds, for each transaction, reverted and the log digests given.
func headerWithLogs(t *testing.T, txs []*types.Transaction, l1 *L1Lists, reverted []bool, l2, l1Logs [][]*types.Log) *Header {
	t.Helper()
	h := headerFor(t, txs, l1)
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	for i := range sigs {
		sigs[i].Reverted = reverted[i]
		sigs[i].Logs, sigs[i].L1Logs = LogsDigest(l2[i]), LogsDigest(l1Logs[i])
	}
	h.Transactions = TransactionsCommitment(testL2Block, sigs)
	return h
}

// frameSegmentAt is the index of the first frame segment of segs at
// address (-1 for none).
func frameSegmentAt(segs []SegmentWitness, address common.Address) int {
	for i, s := range segs {
		if f, ok := s.Assignment.(*frameSegment); ok {
			hi, lo := feOf(f.Frame.Address.Hi), feOf(f.Frame.Address.Lo)
			v := new(big.Int).Lsh(hi.BigInt(new(big.Int)), 128)
			if common.BigToAddress(v.Add(v, lo.BigInt(new(big.Int)))) == address {
				return i
			}
		}
	}
	return -1
}

// TestLogsDigest checks LogsDigest against logHashOf's rule written out
// by hand: the empty list is zero, and a change of address, a topic, the
// topic count, a data byte, the data's length (a trailing zero) or the
// order gives another digest.
func TestLogsDigest(t *testing.T) {
	require.Equal(t, common.Hash{}, LogsDigest(nil))
	l := &types.Log{Address: logParent, Topics: []common.Hash{{1}, {2}}, Data: []byte{1, 2, 3}}
	// The rule by hand: one data word, zero-padded.
	var w [32]byte
	copy(w[:], l.Data)
	var zero fr.Element
	d := hashElements(zero, elem(w[:16]), elem(w[16:]))
	es := []fr.Element{elem(logParent[:]), fr.NewElement(2)}
	for _, topic := range []common.Hash{{1}, {2}, {}, {}} {
		es = append(es, elem(topic[:16]), elem(topic[16:]))
	}
	want := hashElements(zero, hashElements(append(es, fr.NewElement(3), d)...))
	require.Equal(t, hashOfElement(want), LogsDigest([]*types.Log{l}))

	other := func(change func(l *types.Log)) *types.Log {
		c := *l
		c.Topics = append([]common.Hash(nil), l.Topics...)
		c.Data = append([]byte(nil), l.Data...)
		change(&c)
		return &c
	}
	m := &types.Log{Address: logChild}
	base := LogsDigest([]*types.Log{l, m})
	for name, logs := range map[string][]*types.Log{
		"address":      {other(func(l *types.Log) { l.Address = logChild }), m},
		"topic":        {other(func(l *types.Log) { l.Topics[1][31] = 1 }), m},
		"topic count":  {other(func(l *types.Log) { l.Topics = l.Topics[:1] }), m},
		"zero topic":   {other(func(l *types.Log) { l.Topics = append(l.Topics, common.Hash{}) }), m},
		"data":         {other(func(l *types.Log) { l.Data[2] = 4 }), m},
		"trailing 0":   {other(func(l *types.Log) { l.Data = append(l.Data, 0) }), m},
		"order":        {m, l},
		"one dropped":  {l},
		"one repeated": {l, m, m},
	} {
		require.NotEqual(t, base, LogsDigest(logs), name)
	}
}

// TestLogs checks that a batch binds each transaction's logs, in order:
// the L2 logs of a frame and of the frames it calls, interleaved as they
// ran, without those of a frame that reverted, and the logs of an L1
// frame below L1CALL in the L1 chain. The honest batch solves and its
// commitment is the digests of the logs go-ethereum kept; a header
// claiming other logs (reordered, a reverted frame's kept, a log
// dropped, a topic changed, L2 logs claimed as L1 ones) is refused by
// Witnesses and, built anyway, by the last end segment only; and a
// witness whose frames hand on other log chains, kept consistent
// through the contexts and the commitment, is refused by the frame
// segment whose logs it changes.
func TestLogs(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with logs")
	}
	w := logsWorld()
	exec := w.run(t, logParent, nil)
	_, txs := signedBatch(t, []memCall{{logParent, nil}})
	execs := []*trace.Transaction{exec}
	kept := logsOfWorld()
	none := [][]*types.Log{nil}
	t.Run("as executed", func(t *testing.T) {
		// The header binds the four logs the EVM kept, in their order.
		h := headerWithLogs(t, txs, noL1, []bool{false}, [][]*types.Log{kept}, none)
		segs, err := witnessesFor(h, noL1, txs, execs, logCapacity)
		require.NoError(t, err)
		require.Empty(t, solveAll(t, logCapacity, segs))
	})
	swapped := []*types.Log{kept[0], kept[2], kept[1], kept[3]}
	withReverted := append([]*types.Log{kept[0], kept[1], kept[2], {Address: logReverter, Data: []byte{}}}, kept[3])
	changed := []*types.Log{kept[0], {Address: logChild, Topics: []common.Hash{common.BytesToHash([]byte{0xde})}, Data: wordOf(7)}, kept[2], kept[3]}
	for _, claim := range []struct {
		name   string
		l2, l1 []*types.Log
	}{
		{"reordered across a call", swapped, nil},
		{"a reverted frame's log kept", withReverted, nil},
		{"a log dropped", kept[:3], nil},
		{"a topic changed", changed, nil},
		{"L2 logs claimed as L1 logs", nil, kept},
		{"no logs", nil, nil},
	} {
		t.Run("claimed "+claim.name, func(t *testing.T) {
			h := headerWithLogs(t, txs, noL1, []bool{false}, [][]*types.Log{claim.l2}, [][]*types.Log{claim.l1})
			requireRefusedAsBuilt(t, h, noL1, txs, execs, logCapacity, &faults{commitment: true}, lastEnd)
		})
	}
	// Frame-level faults: the witness carries other chains, consistently.
	for _, fault := range []struct {
		name string
		fl   *faults
		// at is the frame whose segment must refuse.
		at common.Address
	}{
		{"the parent's logs folded before its calls", &faults{logsFirst: true}, logParent},
		{"the reverted frame's log kept", &faults{keepRevertedLogs: true}, logReverter},
		{"a topic of the child's log changed", &faults{logFold: func(i, k int, acc fr.Element, address common.Address, l trace.Log) fr.Element {
			if address == logChild {
				l.Topics = []common.Hash{{0xde}}
			}
			return chainLog(acc, address, l.Topics, l.Data)
		}}, logChild},
		{"the parent's last log dropped", &faults{logFold: func(i, k int, acc fr.Element, address common.Address, l trace.Log) fr.Element {
			if address == logParent && len(l.Data) == 40 {
				return acc
			}
			return chainLog(acc, address, l.Topics, l.Data)
		}}, logParent},
	} {
		t.Run(fault.name, func(t *testing.T) {
			chains, err := chainsOf(exec, 0, fault.fl.chainFaults(0))
			require.NoError(t, err)
			h := headerFor(t, txs, noL1)
			sigs, err := Signatures(txs)
			require.NoError(t, err)
			sigs[0].Logs, sigs[0].L1Logs = hashOfElement(chains[0].Out[0]), hashOfElement(chains[0].Out[1])
			h.Transactions = TransactionsCommitment(testL2Block, sigs)
			requireRefusedAsBuilt(t, h, noL1, txs, execs, logCapacity, fault.fl, func(segs []SegmentWitness) []int {
				return []int{frameSegmentAt(segs, fault.at)}
			})
		})
	}
}

// l1CodeBatch is a transaction whose L2 frame (l1CallerCode) calls
// l1Code at l1Target through L1CALL, and the L1 lists of its batch: the
// two code reads and the pinned block.
func l1CodeBatch(t *testing.T, l1Code []byte) (*trace.Transaction, *L1Lists) {
	t.Helper()
	ctx := l2Context
	l2, err := trace.Run(trace.Call{Code: l1CallerCode(), Address: l1Caller, Caller: alice, Context: &ctx})
	require.NoError(t, err)
	l1, err := trace.Run(trace.Call{Code: l1Code, Address: l1Target, Caller: precompiles.Alias(l1Caller)})
	require.NoError(t, err)
	l1.Origin = alice
	exec := &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: l1, Parent: 0, Call: 0, L1: true}}}
	lists := &L1Lists{Code: []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(l1Code)}, {Contract: l1Caller}},
		Block: pinnedHeader(20, 1_700_000_000, 30_000_000, nil, nil)}
	return exec, lists
}

// TestL1Logs checks that the logs of an L1 frame below L1CALL go to the
// L1 chain: the honest batch solves, with its L1 log and no L2 ones; a
// header claiming the log as an L2 one, or none, is refused by the last
// end segment.
func TestL1Logs(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with logs")
	}
	// The L1 code logs LOG1 0xee without data.
	exec, lists := l1CodeBatch(t, []byte{0x60, 0xee, 0x60, 0, 0x60, 0, 0xa1, 0x00})
	require.Len(t, exec.Frames[1].Trace.Logs, 1)
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	execs := []*trace.Transaction{exec}
	log := []*types.Log{{Address: l1Target, Topics: []common.Hash{common.BytesToHash([]byte{0xee})}, Data: []byte{}}}
	header := func(l2, l1 []*types.Log) *Header {
		h := headerWithLogs(t, txs, lists, []bool{false}, [][]*types.Log{l2}, [][]*types.Log{l1})
		h.L1BlockNumber, h.L1BlockHash = lists.Block.Number.Uint64(), lists.Block.Hash()
		return h
	}
	t.Run("as executed", func(t *testing.T) {
		segs, err := witnessesFor(header(nil, log), lists, txs, execs, logCapacity)
		require.NoError(t, err)
		require.Empty(t, solveAll(t, logCapacity, segs))
	})
	for i, claim := range [][2][]*types.Log{{log, nil}, {nil, nil}, {log, log}} {
		t.Run(fmt.Sprintf("claimed %d", i), func(t *testing.T) {
			requireRefusedAsBuilt(t, header(claim[0], claim[1]), lists, txs, execs, logCapacity, &faults{commitment: true}, lastEnd)
		})
	}
}
