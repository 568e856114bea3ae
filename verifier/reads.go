package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// StateEntry is one read of the public read list, in the order the
// frame made them. Used, Kind (0 EXTCODESIZE, 1 EXTCODEHASH, 2 BALANCE,
// 3 BLOCKHASH), Key (the word popped) and Value are public; ID, the
// row's index, is not. The row sends (op + 2^8·i, Addr, 0, Value) on the ALU bus and the
// entry the same from ID, with IDs increasing, so the list holds every
// read the rows make, in order, and nothing else.
type StateEntry struct {
	Used, Kind frontend.Variable
	Key, Value Word
	ID         frontend.Variable
}

func newReadEntry() StateEntry {
	return StateEntry{Used: 0, Kind: 0, Key: zeroWord(), Value: zeroWord(), ID: 0}
}

// readEntries is the empty read list of shape s.
func readEntries(s Shape) []StateEntry {
	out := make([]StateEntry, s.Reads)
	for j := range out {
		out[j] = newReadEntry()
	}
	return out
}

// readKind is the kind of a state-reading opcode.
func readKind(op vm.OpCode) (int, error) {
	switch op {
	case vm.EXTCODESIZE:
		return 0, nil
	case vm.EXTCODEHASH:
		return 1, nil
	case vm.BALANCE:
		return 2, nil
	case vm.BLOCKHASH:
		return 3, nil
	}
	return 0, fmt.Errorf("%w: %s does not read the state", ErrUnsupported, op)
}

// readTable constrains the read list and puts its tuples on the bus.
func (b *builder) readTable() {
	api, c := b.api, b.c
	var prevUsed, prevID frontend.Variable = 1, -1
	for j := range c.Reads {
		e := &c.Reads[j]
		api.AssertIsBoolean(e.Used)
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.ID, prevID, 1)), 16)
		prevUsed, prevID = e.Used, e.ID
		api.AssertIsEqual(api.Mul(e.Kind, api.Sub(e.Kind, 1), api.Sub(e.Kind, 2), api.Sub(e.Kind, 3)), 0)
		b.aluTable = append(b.aluTable, aluTuple{enable: e.Used,
			op: api.Add(aluExtcodesize, e.Kind, api.Mul(e.ID, rowIndexShift)),
			a:  newCombo(e.Key.Hi, e.Key.Lo), b: newCombo(0, 0), c: newCombo(e.Value.Hi, e.Value.Lo)})
		b.committed = append(b.committed, e.Used, e.Kind, e.Key.Hi, e.Key.Lo, e.Value.Hi, e.Value.Lo, e.ID)
	}
}

// publicRead is the entry of a read's public values.
func publicRead(r *trace.StateRead) (StateEntry, error) {
	kind, err := readKind(r.Op)
	if err != nil {
		return newReadEntry(), err
	}
	return StateEntry{Used: 1, Kind: kind, Key: word(&r.Key), Value: word(&r.Value), ID: 0}, nil
}

// readRow completes the row of a state read at row i: its entry,
// checked against the trace's list.
func (a *assigner) readRow(r *Row, si, i int, tb *aluTables) error {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	k := len(tb.reads)
	if k >= len(a.t.Reads) || si+1 >= len(a.t.Steps) {
		return fmt.Errorf("%w: %s at pc %d: the trace lists no state read for it", ErrExecution, st.Op, st.PC)
	}
	rd := &a.t.Reads[k]
	next := a.t.Steps[si+1].Stack
	if rd.Op != st.Op || !rd.Key.Eq(&st.Stack[sp-1]) || len(next) != sp || !rd.Value.Eq(&next[sp-1]) {
		return fmt.Errorf("%w: %s at pc %d: go-ethereum read otherwise", ErrExecution, st.Op, st.PC)
	}
	e, err := publicRead(rd)
	if err != nil {
		return err
	}
	e.ID = i
	tb.reads = append(tb.reads, e)
	return nil
}
