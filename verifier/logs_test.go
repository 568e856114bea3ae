package verifier

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// logShape is the shape of the LOG tests: two logs of up to three words.
var logShape = Shape{Steps: 64, Code: 400, Calldata: 8, Stack: 16, Memory: 8, Storage: 1, Return: 1,
	Add: 2, Mul: 2, Bit: 2, Splice: 1, Logs: 2, LogData: 3}

func topicOf(t int) *uint256.Int {
	return new(uint256.Int).Add(memoryWord(10+t), uint256.NewInt(uint64(t)))
}

// logProgram fills memory, then emits LOGn of size bytes from off with
// topics topicOf(0..n-1), then stops.
func logProgram(p *program, n, off, size int) *program {
	for t := n - 1; t >= 0; t-- {
		p.push(topicOf(t))
	}
	return p.pushU(uint64(size)).pushU(uint64(off)).op(vm.LOG0 + vm.OpCode(n))
}

func wantLog(n, off, size int) trace.Log {
	l := trace.Log{Data: patternBytes(off, size)}
	for t := range n {
		l.Topics = append(l.Topics, common.Hash(topicOf(t).Bytes32()))
	}
	return l
}

// TestDifferentialLogs emits each LOGn with data at the edges of words,
// from aligned and unaligned offsets,
// on go-ethereum and proves the log list it emitted.
func TestDifferentialLogs(t *testing.T) {
	cases := []struct{ n, off, size int }{
		{0, 0, 0}, {0, 0, 1}, {1, 0, 32}, {2, 32, 33}, {3, 0, 64}, {4, 64, 96}, {4, 0, 0},
		// Unaligned: a word across two, a byte at a word's end, three
		// words read for 65 bytes.
		{2, 4, 32}, {1, 31, 1}, {3, 45, 65},
	}
	if testing.Short() {
		cases = cases[3:9]
	}
	// No data: the offset is any word, as the EVM ignores it.
	for _, off := range []*uint256.Int{uint256.NewInt(0x80), new(uint256.Int).Lsh(uint256.NewInt(1), 200)} {
		p := fillMemory(newProgram(), 1).push(topicOf(0)).pushU(0).push(off).op(vm.LOG1, vm.STOP)
		tr := traceOf(t, p.bytes(), nil, nil)
		require.Len(t, tr.Logs, 1)
		accepts(t, logShape, mustAssign(t, tr, logShape))
	}
	for _, tc := range cases {
		t.Run("", func(t *testing.T) {
			p := logProgram(fillMemory(newProgram(), 6), tc.n, tc.off, tc.size)
			tr := traceOf(t, p.op(vm.STOP).bytes(), nil, nil)
			require.Len(t, tr.Logs, 1)
			want := wantLog(tc.n, tc.off, tc.size)
			require.Equal(t, want.Topics, tr.Logs[0].Topics)
			require.Equal(t, want.Data, tr.Logs[0].Data)
			w := mustAssign(t, tr, logShape)
			words := 0
			if tc.size > 0 {
				words = (tc.off%32 + tc.size + 31) / 32
			}
			require.Len(t, rowsOf(w, vm.LOG0+vm.OpCode(tc.n)), words+1+tc.n)
			accepts(t, logShape, w)
			c, err := PublicOf(tr).Commitment(logShape)
			require.NoError(t, err)
			require.Equal(t, c, w.Commitment, "the commitment from the public values alone")
		})
	}
}

// twoLogs emits a LOG2 and then, after a store, a LOG1 of the same memory.
func twoLogs(t *testing.T) *trace.Trace {
	t.Helper()
	p := logProgram(fillMemory(newProgram(), 3), 2, 0, 40)
	p.pushU(7).pushU(0).op(vm.MSTORE)
	p = logProgram(p, 1, 0, 64)
	return traceOf(t, p.op(vm.STOP).bytes(), nil, nil)
}

func TestTwoLogsInOrder(t *testing.T) {
	tr := twoLogs(t)
	require.Len(t, tr.Logs, 2)
	require.Equal(t, common.BigToHash(uint256.NewInt(7).ToBig()).Bytes(), tr.Logs[1].Data[:32])
	accepts(t, logShape, mustAssign(t, tr, logShape))
}

// TestLogRefusals: what the log list cannot bind is refused by name.
func TestLogRefusals(t *testing.T) {
	three := fillMemory(newProgram(), 1)
	for range 3 {
		three = logProgram(three, 0, 0, 32)
	}
	cases := []struct {
		name string
		code []byte
		s    Shape
		want error
		text string
	}{
		{"more data than a log holds", logProgram(fillMemory(newProgram(), 4), 1, 0, 97).op(vm.STOP).bytes(), logShape, ErrCapacity, "data: 97 bytes, shape has 3 words"},
		{"more logs than the list holds", three.op(vm.STOP).bytes(), logShape, ErrCapacity, "3 logs"},
		{"shape without logs", logProgram(newProgram(), 0, 0, 0).op(vm.STOP).bytes(), keccakShape, ErrUnsupported, "LOG0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Assign(traceOf(t, tc.code, nil, nil), tc.s)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}
}

// TestSoundnessLogs changes the public log list of a correct witness (and
// its commitment, so that only the log constraints can notice): every
// change must be rejected.
func TestSoundnessLogs(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a topic", func(w *Circuit) { w.Logs[0].Topics[1].Lo = 1 }},
		{"a topic past the count given as a topic", func(w *Circuit) { w.Logs[1].N = 2; w.Logs[1].Topics[1] = w.Logs[0].Topics[1] }},
		{"fewer topics", func(w *Circuit) { w.Logs[0].N = 1 }},
		{"a data word", func(w *Circuit) { w.Logs[1].Data[1].Lo = 3 }},
		{"a byte past the data", func(w *Circuit) {
			// The 40-byte log's second word keeps 8 bytes.
			w.Logs[0].Data[1].Lo = 1
		}},
		{"a shorter length", func(w *Circuit) { w.Logs[0].Len = 39; w.Logs[0].R = 7 }},
		{"the order swapped", func(w *Circuit) { w.Logs[0], w.Logs[1] = w.Logs[1], w.Logs[0] }},
		{"the last log dropped", func(w *Circuit) { w.Logs[1] = newLogEntry(logShape) }},
		{"a log the call did not emit", func(w *Circuit) {
			w.Logs[1] = w.Logs[0]
			w.Logs[1].ID = 40
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, twoLogs(t), logShape)
			accepts(t, logShape, w)
			tc.change(w)
			recommit(w)
			rejects(t, logShape, w)
		})
	}
	t.Run("another log list in the commitment", func(t *testing.T) {
		tr := twoLogs(t)
		w := mustAssign(t, tr, logShape)
		pub := PublicOf(tr)
		pub.Logs = pub.Logs[:1]
		c, err := pub.Commitment(logShape)
		require.NoError(t, err)
		w.Commitment = c
		rejects(t, logShape, w)
	})
}

// TestTokenSolves proves an ERC20 token's calls with their events on the
// smallest shape that fits each: transfer, approve, mint and a transfer
// that reverts with a custom error (its log list empty) on 2^10 steps,
// transferFrom (seven hashes: allowance and balances) on 2^12.
func TestTokenSolves(t *testing.T) {
	caller, to, owner := common.HexToAddress("0xca11"), common.HexToAddress("0xb0b"), common.HexToAddress("0x0a")
	key := func(a common.Address) common.Hash { return common.BytesToHash(a[:]) }
	bal := func(a common.Address) common.Hash {
		return mappingSlot(key(a), common.BigToHash(uint256.NewInt(1).ToBig()))
	}
	allow := func(o, s common.Address) common.Hash {
		return mappingSlot(key(s), mappingSlot(key(o), common.BigToHash(uint256.NewInt(2).ToBig())))
	}
	hundred := common.BigToHash(uint256.NewInt(100).ToBig())
	transfer := solidityEvent(t, "Token", "Transfer")
	approval := solidityEvent(t, "Token", "Approval")
	cases := []struct {
		name    string
		storage map[common.Hash]common.Hash
		method  string
		args    []any
		topics  []common.Hash // of the one log, nil for none
	}{
		{"transfer", map[common.Hash]common.Hash{bal(caller): hundred}, "transfer", []any{to, uint256.NewInt(30).ToBig()},
			[]common.Hash{transfer, key(caller), key(to)}},
		{"approve", nil, "approve", []any{to, uint256.NewInt(5).ToBig()}, []common.Hash{approval, key(caller), key(to)}},
		{"transferFrom", map[common.Hash]common.Hash{bal(owner): hundred, allow(owner, caller): common.BigToHash(uint256.NewInt(40).ToBig())},
			"transferFrom", []any{owner, to, uint256.NewInt(40).ToBig()}, []common.Hash{transfer, key(owner), key(to)}},
		{"mint", nil, "mint", []any{to, uint256.NewInt(9).ToBig()}, []common.Hash{transfer, {}, key(to)}},
		{"transfer beyond the balance", map[common.Hash]common.Hash{bal(caller): hundred}, "transfer", []any{to, uint256.NewInt(101).ToBig()}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := contractTrace(t, "Token", tc.method, tc.storage, tc.args...)
			if tc.topics == nil {
				require.True(t, tr.Reverted)
				require.Empty(t, tr.Logs)
			} else {
				require.False(t, tr.Reverted)
				require.Len(t, tr.Logs, 1)
				require.Equal(t, tc.topics, tr.Logs[0].Topics)
			}
			s, err := smallestShape(tr)
			require.NoError(t, err)
			if s.Steps > 1<<10 && testing.Short() {
				t.Skipf("needs the %d-step shape: skipped with -short", s.Steps)
			}
			t.Logf("%d steps, %d code bytes, shape of %d steps", len(tr.Steps), len(tr.Code), s.Steps)
			accepts(t, s, mustAssign(t, tr, s))
		})
	}
}

// solidityEvent is the topic of a compiled fixture's event.
func solidityEvent(t *testing.T, contract, event string) common.Hash {
	t.Helper()
	ev, ok := solidity.MustLoad(contract).ABI.Events[event]
	require.True(t, ok)
	return ev.ID
}

// TestLogShapeNeedsData: a shape with a log list and no data words is
// refused by name.
func TestLogShapeNeedsData(t *testing.T) {
	s := logShape
	s.LogData = 0
	_, err := NewCircuit(s)
	require.ErrorIs(t, err, ErrCapacity)
	require.ErrorContains(t, err, "logs without data words")
}
