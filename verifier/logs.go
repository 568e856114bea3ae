package verifier

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// maxTopics is the most topics a log has (LOG4).
const maxTopics = 4

// LogEntry is one log of the public log list, in the order the call
// emitted them. Used, N (topics), Len (data bytes), Topics and Data (the
// data as words, zero-padded) are public; ID (the index of the log's
// first row), Off (its memory offset), Words (the memory words it read)
// and Last (the bytes of the last of them) are not.
//
// A LOGn of m data words has m + 1 + n rows: one per data word (K = 0 to
// m-1), one that pops the offset and the size (K = m, its operation names
// n), one per topic, popping it (K = m+1+t). Each sends (op + 2^8·i, ...)
// on the ALU bus, i its row's index; the entry sends the same tuples from
// ID on, and the IDs of used entries increase, so the list holds every
// log the rows emit, in their order, and nothing else.
type LogEntry struct {
	Used, N frontend.Variable
	Topics  [maxTopics]Word
	// MemoryData is the log's data: Len and Data public.
	MemoryData
	ID frontend.Variable
}

// logSizeOp is the operation of a LOGn's size row, which names n.
func logSizeOp(n int) int { return aluLogSize0 + n }

// logTable constrains the log list and puts its tuples on the ALU bus.
func (b *builder) logTable() {
	api, c := b.api, b.c
	var prevUsed, prevID frontend.Variable = 1, -1
	for j := range c.Logs {
		e := &c.Logs[j]
		api.AssertIsBoolean(e.Used)
		// Used entries first, their first rows increasing.
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.ID, prevID, 1)), 16)
		prevUsed, prevID = e.Used, e.ID

		m := b.memoryData(e.Used, &e.MemoryData, func(k int) frontend.Variable {
			return api.Add(aluLogData, api.Mul(api.Add(e.ID, k), rowIndexShift))
		})
		off, size := newCombo(e.Off.Hi, e.Off.Lo), newCombo(0, e.Len)

		// The size row, which names the topic count, then the topics.
		b.aluTable = append(b.aluTable, aluTuple{enable: e.Used,
			op: api.Add(aluLogSize0, e.N, api.Mul(api.Add(e.ID, m), rowIndexShift)),
			a:  off, b: size, c: newCombo(0, 0)})
		tf := b.ones(maxTopics, e.N, 1, true)
		api.AssertIsEqual(api.Mul(tf[0], api.Sub(1, e.Used)), 0)
		for t := range maxTopics {
			var next frontend.Variable = 0
			if t+1 < maxTopics {
				next = tf[t+1]
			}
			last := api.Sub(tf[t], next)
			b.aluTable = append(b.aluTable, aluTuple{enable: tf[t],
				op: api.Add(aluLogTopicMid, api.Mul(last, aluLogTopicEnd-aluLogTopicMid), api.Mul(api.Add(e.ID, m, 1+t), rowIndexShift)),
				a:  newCombo(e.Topics[t].Hi, e.Topics[t].Lo), b: newCombo(0, 0), c: newCombo(0, 0)})
		}
		b.committed = append(b.committed, e.Used, e.N, e.ID)
		for _, w := range e.Topics {
			b.committed = append(b.committed, w.Hi, w.Lo)
		}
	}
}

// ones returns n booleans, ones then zeros: out[k] = 1 if scale·k <
// count, as the hint says. Every step down is 0 or 1, so none follows a 0;
// with exact, their sum is asserted to be count (scale 1), else the caller
// constrains it.
func (b *builder) ones(n int, count frontend.Variable, scale int, exact bool) []frontend.Variable {
	api := b.api
	out := make([]frontend.Variable, n)
	var sum frontend.Variable = 0
	for k := range out {
		r, err := api.Compiler().NewHint(lessThanHint, 1, scale*k, count)
		if err != nil {
			panic(err)
		}
		out[k] = r[0]
		if k > 0 {
			api.AssertIsBoolean(api.Sub(out[k-1], out[k]))
		}
		sum = api.Add(sum, out[k])
	}
	api.AssertIsBoolean(out[0])
	api.AssertIsBoolean(out[n-1])
	if exact {
		api.AssertIsEqual(sum, count)
	}
	return out
}

// logRows assigns a LOGn: one row per data word, the size row, one row
// per topic, and the log's entry.
func (a *assigner) logRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	n := int(st.Op - vm.LOG0)
	off, size := st.Stack[sp-1], st.Stack[sp-2]
	md, q, m, data, err := a.readData(off, size, a.s.LogData, fmt.Sprintf("%s at pc %d: data", st.Op, st.PC))
	if err != nil {
		return nil, err
	}
	e := newLogEntry(a.s)
	e.Used, e.N, e.ID, e.MemoryData = 1, n, i, md
	tm := func(ri, port int) int { return portsPerRow*ri + port }
	var rows []Row
	row := func(fam family, aux int) *Row {
		ri := i + len(rows)
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.K, r.Aux = 1, int(st.PC), int(st.Op), sp, uint64(len(rows)), aux
		r.setFamily(a.s, fam)
		rows = append(rows, r)
		return &rows[len(rows)-1]
	}
	for k := range m {
		ri := i + len(rows)
		r := row(famLogData, aluLogData)
		r.J = md.J
		r.R0 = a.readStack(sp-1, tm(ri, portR0))
		r.R1 = a.readStack(sp-2, tm(ri, portR1))
		r.Data = a.readMem(q+k, tm(ri, portData))
	}
	fam := famLogSizeEnd
	if n > 0 {
		fam = famLogSizeMid
	}
	ri := i + len(rows)
	r := row(fam, logSizeOp(n))
	r.R0 = a.readStack(sp-1, tm(ri, portR0))
	r.R1 = a.readStack(sp-2, tm(ri, portR1))
	var topics []common.Hash
	for t := range n {
		fam := famLogTopicMid
		aux := aluLogTopicMid
		if t == n-1 {
			fam, aux = famLogTopicEnd, aluLogTopicEnd
		}
		ri := i + len(rows)
		r := row(fam, aux)
		r.SP = sp - 2 - t
		r.R0 = a.readStack(sp-3-t, tm(ri, portR0))
		v := st.Stack[sp-3-t]
		e.Topics[t] = word(&v)
		topics = append(topics, common.Hash(v.Bytes32()))
	}
	// What the rows log is what go-ethereum logged.
	k := len(tb.logs)
	if k >= len(a.t.Logs) || !bytes.Equal(a.t.Logs[k].Data, data) || !slices.Equal(a.t.Logs[k].Topics, topics) {
		return nil, fmt.Errorf("%w: %s at pc %d: go-ethereum logged otherwise", ErrExecution, st.Op, st.PC)
	}
	tb.logs = append(tb.logs, e)
	return rows, nil
}

// newLogEntry is an unused log entry of shape s.
func newLogEntry(s Shape) LogEntry {
	e := LogEntry{Used: 0, N: 0, ID: 0, MemoryData: newMemoryData(s.LogData)}
	for t := range e.Topics {
		e.Topics[t] = zeroWord()
	}
	return e
}

// publicLog is the entry of a log's public values in shape s.
func publicLog(l *trace.Log, s Shape) (LogEntry, error) {
	e := newLogEntry(s)
	if len(l.Topics) > maxTopics || len(l.Data) > 32*s.LogData {
		return e, fmt.Errorf("%w: a log of %d topics and %d bytes in shape %s", ErrCapacity, len(l.Topics), len(l.Data), s.Name())
	}
	e.Used, e.N, e.Len = 1, len(l.Topics), len(l.Data)
	for t, h := range l.Topics {
		e.Topics[t] = hashWord(h)
	}
	for k := range e.Data {
		var w [32]byte
		if 32*k < len(l.Data) {
			copy(w[:], l.Data[32*k:])
		}
		e.Data[k] = hashWord(common.Hash(w))
	}
	return e, nil
}

// logEntries is the empty log list of shape s.
func logEntries(s Shape) []LogEntry {
	out := make([]LogEntry, s.Logs)
	for j := range out {
		out[j] = newLogEntry(s)
	}
	return out
}
