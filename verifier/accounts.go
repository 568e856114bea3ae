package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// AccountRead is one EXTCODESIZE, EXTCODEHASH or BALANCE step of the
// traced frame: the word it popped and the value it pushed. A proof binds
// the values as the frame read them; that they are the state's is for
// whoever checks the proof against the state (the batch's L2 state, or
// L1's at settlement).
type AccountRead struct {
	Op      vm.OpCode
	Address uint256.Int
	Value   uint256.Int
}

// AccountEntry is one read of the public account list, in the order the
// frame made them. Used, Kind (0 EXTCODESIZE, 1 EXTCODEHASH, 2 BALANCE),
// Addr (the word popped) and Value are public; ID, the row's index, is
// not. The row sends (op + 2^8·i, Addr, 0, Value) on the ALU bus and the
// entry the same from ID, with IDs increasing, so the list holds every
// read the rows make, in order, and nothing else.
type AccountEntry struct {
	Used, Kind  frontend.Variable
	Addr, Value Word
	ID          frontend.Variable
}

func newAccountEntry() AccountEntry {
	return AccountEntry{Used: 0, Kind: 0, Addr: zeroWord(), Value: zeroWord(), ID: 0}
}

// accountEntries is the empty account list of shape s.
func accountEntries(s Shape) []AccountEntry {
	out := make([]AccountEntry, s.Accounts)
	for j := range out {
		out[j] = newAccountEntry()
	}
	return out
}

// accountKind is the kind of an account-reading opcode.
func accountKind(op vm.OpCode) (int, error) {
	switch op {
	case vm.EXTCODESIZE:
		return 0, nil
	case vm.EXTCODEHASH:
		return 1, nil
	case vm.BALANCE:
		return 2, nil
	}
	return 0, fmt.Errorf("%w: %s does not read an account", ErrUnsupported, op)
}

// accountTable constrains the account list and puts its tuples on the bus.
func (b *builder) accountTable() {
	api, c := b.api, b.c
	var prevUsed, prevID frontend.Variable = 1, -1
	for j := range c.Accounts {
		e := &c.Accounts[j]
		api.AssertIsBoolean(e.Used)
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.ID, prevID, 1)), 16)
		prevUsed, prevID = e.Used, e.ID
		api.AssertIsEqual(api.Mul(e.Kind, api.Sub(e.Kind, 1), api.Sub(e.Kind, 2)), 0)
		b.aluTable = append(b.aluTable, aluTuple{enable: e.Used,
			op: api.Add(aluExtcodesize, e.Kind, api.Mul(e.ID, rowIndexShift)),
			a:  newCombo(e.Addr.Hi, e.Addr.Lo), b: newCombo(0, 0), c: newCombo(e.Value.Hi, e.Value.Lo)})
		b.committed = append(b.committed, e.Used, e.Kind, e.Addr.Hi, e.Addr.Lo, e.Value.Hi, e.Value.Lo, e.ID)
	}
}

// publicAccount is the entry of an account read's public values.
func publicAccount(r *AccountRead) (AccountEntry, error) {
	kind, err := accountKind(r.Op)
	if err != nil {
		return newAccountEntry(), err
	}
	return AccountEntry{Used: 1, Kind: kind, Addr: word(&r.Address), Value: word(&r.Value), ID: 0}, nil
}

// accountRow completes the row of an account read at row i: its entry,
// checked against the trace's list.
func (a *assigner) accountRow(r *Row, si, i int, tb *aluTables) error {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	k := len(tb.accounts)
	if k >= len(a.t.Accounts) || si+1 >= len(a.t.Steps) {
		return fmt.Errorf("%w: %s at pc %d: the trace lists no account read for it", ErrExecution, st.Op, st.PC)
	}
	rd := &a.t.Accounts[k]
	next := a.t.Steps[si+1].Stack
	if rd.Op != st.Op || !rd.Address.Eq(&st.Stack[sp-1]) || len(next) != sp || !rd.Value.Eq(&next[sp-1]) {
		return fmt.Errorf("%w: %s at pc %d: go-ethereum read otherwise", ErrExecution, st.Op, st.PC)
	}
	e, err := publicAccount(rd)
	if err != nil {
		return err
	}
	e.ID = i
	tb.accounts = append(tb.accounts, e)
	return nil
}
