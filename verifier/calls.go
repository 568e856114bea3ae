package verifier

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// Call kinds, the aux offset of a call's last row.
const (
	callKindCall = iota
	callKindStatic
	callKindDelegate
)

// domRetSize is the memory-argument domain of the one cell that holds
// the last call's return data size (RETURNDATASIZE).
const domRetSize = 5

// CallEntry is one call of the public call list, in the order the frame
// made them. Used, Static, Delegate, Gas, To, Value, Len (input bytes),
// Data (the input as words, zero-padded), Success, RetLen and Ret (the
// return data as words, zero-padded) are public; the rest is not.
//
// A call with m input words and a return area of n words has np + m + 1
// + n + 1 rows, np = 3 for CALL (gas, address, value) and 2 for the
// others: one per popped parameter, one per input word (K = 0 to m-1),
// one that pops the input's offset and size, one per word of return data
// written to the return area (K = 0 to n-1), and the last, which pops
// the return area and pushes Success (K = n). Each sends (op + 2^8·i, ...)
// on the ALU bus, i its row's index; the entry sends the same tuples
// from ID on, and the IDs of used entries increase, so the list holds
// every call the rows make, in their order, and nothing else. The last
// row also writes the return data size cell: PrevRetLen before, RetLen
// after.
type CallEntry struct {
	Used, Static, Delegate frontend.Variable
	Gas, To, Value         Word
	// MemoryData is the input: Len and Data public.
	MemoryData
	Success, RetLen frontend.Variable
	Ret             []Word

	ID frontend.Variable
	// RetOff and RetArea are the return area the call popped; RetSize,
	// the bytes of return data written there, is the smaller of RetArea
	// and RetLen (the rest of the area keeps what memory held). In a
	// shape without Rdc it is a multiple of 32, RetOff is too, and Olds
	// are the memory words the return data replaced. In a shape with Rdc
	// the area may start and end anywhere: RetOff = J + 32·Q (J < 32),
	// J + RetSize = 32(md-1) + Rd (1 <= Rd <= 32) when RetSize > 0, and
	// the md words from Q on are written, OldBytes before and New after
	// (New taking the return data's bytes inside the area, OldBytes'
	// outside it).
	RetOff     Word
	RetArea    frontend.Variable
	RetSize    frontend.Variable
	Olds       []Word
	J, Q, Rd   frontend.Variable
	OldBytes   [][32]frontend.Variable
	New        []Word
	PrevRetLen frontend.Variable
	// PrevCall is the number of the call before (1 + its index, 0 for
	// none), which the return data size cell named before this one.
	// RetBytes are Ret's bytes, for RETURNDATACOPY (shapes with Rdc).
	PrevCall frontend.Variable
	RetBytes [][32]frontend.Variable
}

// newCallEntry is an unused call entry of shape s.
func newCallEntry(s Shape) CallEntry {
	e := CallEntry{Used: 0, Static: 0, Delegate: 0, Gas: zeroWord(), To: zeroWord(), Value: zeroWord(),
		MemoryData: newMemoryData(s.CallData), Success: 0, RetLen: 0, Ret: make([]Word, s.CallReturn),
		ID: 0, RetOff: zeroWord(), RetArea: 0, RetSize: 0, J: 0, Q: 0, Rd: 0, PrevRetLen: 0, PrevCall: 0}
	for k := range e.Ret {
		e.Ret[k] = zeroWord()
	}
	if s.Rdc > 0 {
		e.RetBytes = make([][32]frontend.Variable, s.CallReturn)
		for k := range e.RetBytes {
			zeros(e.RetBytes[k][:])
		}
		// An area from any offset writes one word more than the return
		// data's.
		e.OldBytes, e.New = make([][32]frontend.Variable, s.CallReturn+1), make([]Word, s.CallReturn+1)
		for k := range e.New {
			zeros(e.OldBytes[k][:])
			e.New[k] = zeroWord()
		}
	} else {
		e.Olds = make([]Word, s.CallReturn)
		for k := range e.Olds {
			e.Olds[k] = zeroWord()
		}
	}
	return e
}

// callEntries is the empty call list of shape s.
func callEntries(s Shape) []CallEntry {
	out := make([]CallEntry, s.Calls)
	for j := range out {
		out[j] = newCallEntry(s)
	}
	return out
}

// bytesWords is bs as n words, zero-padded.
func bytesWords(bs []byte, n int) []Word {
	out := make([]Word, n)
	for k := range out {
		var w [32]byte
		if 32*k < len(bs) {
			copy(w[:], bs[32*k:])
		}
		out[k] = hashWord(common.Hash(w))
	}
	return out
}

// publicCall is the entry of a call's public values in shape s.
func publicCall(f *trace.FrameCall, s Shape) (CallEntry, error) {
	e := newCallEntry(s)
	if len(f.Input) > 32*s.CallData || len(f.ReturnData) > 32*s.CallReturn {
		return e, fmt.Errorf("%w: a call of %d input bytes and %d return bytes in shape %s", ErrCapacity, len(f.Input), len(f.ReturnData), s.Name())
	}
	kind, err := callKind(f.Op)
	if err != nil {
		return e, err
	}
	e.Used, e.Static, e.Delegate = 1, boolInt(kind == callKindStatic), boolInt(kind == callKindDelegate)
	e.Gas, e.To, e.Value = word(&f.Gas), word(&f.To), word(&f.Value)
	e.Len, e.Data = len(f.Input), bytesWords(f.Input, s.CallData)
	e.Success, e.RetLen, e.Ret = boolInt(f.Success), len(f.ReturnData), bytesWords(f.ReturnData, s.CallReturn)
	return e, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// callKind is the kind of a call opcode.
func callKind(op vm.OpCode) (int, error) {
	switch op {
	case vm.CALL:
		return callKindCall, nil
	case vm.STATICCALL:
		return callKindStatic, nil
	case vm.DELEGATECALL:
		return callKindDelegate, nil
	}
	return 0, fmt.Errorf("%w: %s is not a call the circuit proves", ErrUnsupported, op)
}

// callTable constrains the call list and puts its tuples on the ALU bus.
func (b *builder) callTable() {
	api, c := b.api, b.c
	if b.s.Rdc > 0 {
		b.retBytes = logderivlookup.New(api)
	}
	// The return data's bytes, in the table RETURNDATACOPY and the
	// return areas read: call j's byte p at j·32·CallReturn + p.
	callBytes := 32 * b.s.CallReturn
	for j := range c.Calls {
		e := &c.Calls[j]
		for k := range e.RetBytes {
			for _, byt := range e.RetBytes[k] {
				b.rc.Check(byt, 8)
				b.retBytes.Insert(byt)
			}
			w := wordOfBytes(api, &e.RetBytes[k])
			api.AssertIsEqual(e.Ret[k].Hi, w.Hi)
			api.AssertIsEqual(e.Ret[k].Lo, w.Lo)
			b.committed = append(b.committed, e.RetBytes[k][:]...)
		}
	}
	var prevUsed, prevID frontend.Variable = 1, -1
	for j := range c.Calls {
		e := &c.Calls[j]
		api.AssertIsBoolean(e.Used)
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.ID, prevID, 1)), 16)
		prevUsed, prevID = e.Used, e.ID
		api.AssertIsBoolean(e.Static)
		api.AssertIsBoolean(e.Delegate)
		api.AssertIsBoolean(e.Success)
		api.AssertIsEqual(api.Mul(e.Static, e.Delegate), 0)
		// Only CALL pops a value.
		notCall := api.Add(e.Static, e.Delegate)
		api.AssertIsEqual(api.Mul(notCall, e.Value.Hi), 0)
		api.AssertIsEqual(api.Mul(notCall, e.Value.Lo), 0)
		isCall := api.Sub(1, notCall)

		// The popped parameters.
		zero := newCombo(0, 0)
		param := func(enable frontend.Variable, k int, w Word) {
			b.aluTable = append(b.aluTable, aluTuple{enable: enable,
				op: api.Add(aluCallParam, api.Mul(api.Add(e.ID, k), rowIndexShift)),
				a:  newCombo(w.Hi, w.Lo), b: zero, c: zero})
		}
		param(e.Used, 0, e.Gas)
		param(e.Used, 1, e.To)
		param(api.Mul(e.Used, isCall), 2, e.Value)
		base := api.Add(e.ID, 2, isCall)

		// The input words, then the row that pops their offset and size.
		m := b.memoryData(e.Used, &e.MemoryData, func(k int) frontend.Variable {
			return api.Add(aluCallData, api.Mul(api.Add(base, k), rowIndexShift))
		})
		off, size := newCombo(e.Off.Hi, e.Off.Lo), newCombo(0, e.Len)
		b.aluTable = append(b.aluTable, aluTuple{enable: e.Used,
			op: api.Add(aluCallSize, api.Mul(api.Add(base, m), rowIndexShift)), a: off, b: size, c: zero})

		// The return data fits the entry's words (so that the byte
		// table's bytes of the call are all of it, zero past RetLen).
		b.rc.Check(api.Sub(32*len(e.Ret), e.RetLen), 16)
		// The return area: RetSize, the smaller of the area popped and
		// the return data, is written to memory from RetOff.
		b.rc.Check(api.Sub(e.RetLen, e.RetSize), 16)
		b.rc.Check(api.Sub(e.RetArea, e.RetSize), 64)
		api.AssertIsEqual(api.Mul(api.Sub(e.RetArea, e.RetSize), api.Sub(e.RetLen, e.RetSize)), 0)
		retOff, retSize := newCombo(e.RetOff.Hi, e.RetOff.Lo), newCombo(0, e.RetArea)
		first := api.Add(base, m, 1)
		var n frontend.Variable
		if b.s.Rdc > 0 {
			n = b.returnArea(e, j*callBytes, first, retOff, retSize)
		} else {
			n = b.alignedReturnArea(e, first, retOff, retSize)
		}
		// The last row: the success flag, and the return data size cell,
		// whose high limb names the call (j + 1) for RETURNDATACOPY.
		b.aluTable = append(b.aluTable, aluTuple{enable: e.Used,
			op: api.Add(aluCallEnd0, e.Static, api.Mul(e.Delegate, 2), api.Mul(api.Add(first, n), rowIndexShift)),
			a:  retOff, b: retSize, c: newCombo(0, e.Success),
			d: newCombo(e.PrevCall, e.PrevRetLen), e: newCombo(j+1, e.RetLen), j: api.Mul(n, copyKShift)})

		b.committed = append(b.committed, e.Used, e.Static, e.Delegate, e.Gas.Hi, e.Gas.Lo, e.To.Hi, e.To.Lo,
			e.Value.Hi, e.Value.Lo, e.Success, e.RetLen, e.ID,
			e.RetOff.Hi, e.RetOff.Lo, e.RetArea, e.RetSize, e.PrevRetLen, e.PrevCall, e.J, e.Q, e.Rd)
		for k := range e.Ret {
			b.committed = append(b.committed, e.Ret[k].Hi, e.Ret[k].Lo)
		}
		for k := range e.Olds {
			b.committed = append(b.committed, e.Olds[k].Hi, e.Olds[k].Lo)
		}
		for k := range e.New {
			b.committed = append(b.committed, e.OldBytes[k][:]...)
			b.committed = append(b.committed, e.New[k].Hi, e.New[k].Lo)
		}
	}

	// The return data size cell: 0 before the first call, RetSizeEnd
	// after the last access.
	slot, end := newCombo(0, 0), c.RetSizeEnd
	b.accesses = append(b.accesses,
		access{write: true, enable: 1, key: pack(api, domRetSize, 0, 0), value: slot, data: newCombo(0, 0)},
		access{write: false, enable: 1, key: pack(api, domRetSize, 0, end.T), value: slot, data: newCombo(end.Hi, end.Lo)})
	b.committed = append(b.committed, end.Hi, end.Lo, end.T)
}

// alignedReturnArea constrains the return area of call entry e in a
// shape without Rdc: RetSize = 32·n bytes from RetOff, a multiple of 32,
// whole words of the return data, each written by one row (the k-th
// return row from first on). It returns n.
func (b *builder) alignedReturnArea(e *CallEntry, first frontend.Variable, retOff, retSize *combo) frontend.Variable {
	api := b.api
	rf := b.ones(len(e.Ret), e.RetSize, 32, false)
	api.AssertIsEqual(api.Mul(rf[0], api.Sub(1, e.Used)), 0)
	var n frontend.Variable = 0
	for _, f := range rf {
		n = api.Add(n, f)
	}
	api.AssertIsEqual(e.RetSize, api.Mul(n, 32))
	api.AssertIsEqual(e.J, 0)
	for k := range e.Ret {
		b.aluTable = append(b.aluTable, aluTuple{enable: rf[k],
			op: api.Add(aluCallRet, api.Mul(api.Add(first, k), rowIndexShift)),
			a:  retOff, b: retSize, c: newCombo(0, 0),
			d: newCombo(e.Olds[k].Hi, e.Olds[k].Lo), e: newCombo(e.Ret[k].Hi, e.Ret[k].Lo), j: k * copyKShift})
	}
	return n
}

// returnArea constrains the return area of call entry e in a shape with
// Rdc: RetSize bytes of the return data (whose bytes are in the byte
// table from index at on) written from RetOff = J + 32·Q, as
// RETURNDATACOPY writes them: md destination words, each by one row (the
// k-th return row from first on, its J the area's). It returns md.
func (b *builder) returnArea(e *CallEntry, at int, first frontend.Variable, retOff, retSize *combo) frontend.Variable {
	api := b.api
	df, md := b.destWords(len(e.New), e.Used, e.RetSize, e.RetOff, e.J, e.Q, e.Rd)
	// Destination word k: its bytes inside the area are the return
	// data's from 32·k - J on, the others Old's.
	base := api.Sub(at, e.J)
	for k := range e.New {
		old, _ := b.destWord(k, df, e.J, e.RetSize, &e.OldBytes[k], e.New[k], func(copied []frontend.Variable) []frontend.Variable {
			idx := make([]frontend.Variable, 32)
			for q := range idx {
				idx[q] = api.Mul(copied[q], api.Add(base, 32*k+q))
			}
			return b.retBytes.Lookup(idx...)
		})
		b.aluTable = append(b.aluTable, aluTuple{enable: df[k],
			op: api.Add(aluCallRet, api.Mul(api.Add(first, k), rowIndexShift)),
			a:  retOff, b: retSize, c: newCombo(0, 0),
			d: newCombo(old.Hi, old.Lo), e: newCombo(e.New[k].Hi, e.New[k].Lo), j: api.Add(e.J, k*copyKShift)})
	}
	return md
}

// publicCallElements appends a call entry's public values to out: one
// element packing the flags and lengths, gas, address and value, the
// input words and the return words.
func publicCallElements(api frontend.API, out []frontend.Variable, e *CallEntry) []frontend.Variable {
	out = append(out, api.Add(e.Used, api.Mul(e.Static, 2), api.Mul(e.Delegate, 4), api.Mul(e.Success, 8),
		api.Mul(e.Len, 16), api.Mul(e.RetLen, 1<<32)))
	for _, w := range []Word{e.Gas, e.To, e.Value} {
		out = append(out, w.Hi, w.Lo)
	}
	for _, w := range e.Data {
		out = append(out, w.Hi, w.Lo)
	}
	for _, w := range e.Ret {
		out = append(out, w.Hi, w.Lo)
	}
	return out
}

// callRows assigns a call: its parameter rows, one row per input word,
// the size row, one row per word written to the return area, the last
// row, and the call's entry.
func (a *assigner) callRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	kind, err := callKind(st.Op)
	if err != nil {
		return nil, err
	}
	np := 3
	if kind != callKindCall {
		np = 2
	}
	top := func(k int) uint256.Int { return st.Stack[sp-1-k] }
	k := len(tb.calls)
	if k >= len(a.t.Calls) {
		return nil, fmt.Errorf("%w: %s at pc %d: the trace lists no call for it", ErrExecution, st.Op, st.PC)
	}
	fc := &a.t.Calls[k]
	if si+1 >= len(a.t.Steps) || len(a.t.Steps[si+1].Stack) != sp-np-3 {
		return nil, fmt.Errorf("%w: stack after %s at pc %d", ErrExecution, st.Op, st.PC)
	}
	pushed := a.t.Steps[si+1].Stack[sp-np-4]
	argOff, argSize, retOff, retSize := top(np), top(np+1), top(np+2), top(np+3)
	where := fmt.Sprintf("%s at pc %d", st.Op, st.PC)
	mdata, qin, m, input, err := a.readData(argOff, argSize, a.s.CallData, where+": input")
	if err != nil {
		return nil, err
	}
	if len(fc.ReturnData) > 32*a.s.CallReturn {
		return nil, fmt.Errorf("%w: %s: %d bytes of return data, shape has %d words a call", ErrCapacity, where, len(fc.ReturnData), a.s.CallReturn)
	}
	// The bytes written to the return area: as many as it takes of the
	// return data (copied).
	var n, copied uint64
	if !retSize.IsZero() {
		if !retSize.IsUint64() || retSize.Uint64() >= 1<<32 {
			return nil, fmt.Errorf("%w: %s: a return area of %s bytes", ErrUnsupported, where, retSize.Dec())
		}
		copied = min(retSize.Uint64(), uint64(len(fc.ReturnData)))
		if copied < retSize.Uint64() && a.s.Msize && slices.ContainsFunc(a.t.Steps, func(st trace.Step) bool { return st.Op == vm.MSIZE }) {
			return nil, fmt.Errorf("%w: %s: MSIZE in a frame whose call leaves part of its return area unwritten (the memory size counts the words rows touch)", ErrUnsupported, where)
		}
	}
	// In a shape with Rdc the area may start and end anywhere: md words
	// from Q are written.
	var j, q, md uint64
	if copied > 0 && a.s.Rdc > 0 {
		if !retOff.IsUint64() || retOff.Uint64() >= 32*uint64(a.s.Memory) {
			return nil, fmt.Errorf("%w: %s: return area at %s, beyond %d bytes of memory", ErrCapacity, where, retOff.Dec(), 32*a.s.Memory)
		}
		j, q = retOff.Uint64()%32, retOff.Uint64()/32
		md = (j + copied + 31) / 32
		if q+md > uint64(a.s.Memory) {
			return nil, fmt.Errorf("%w: %s: return area beyond %d bytes of memory", ErrCapacity, where, 32*a.s.Memory)
		}
	} else if copied > 0 {
		if copied%32 != 0 {
			return nil, fmt.Errorf("%w: %s: a return area of %s bytes for %d bytes of return data (in a shape without Rdc the smaller must be a multiple of 32)", ErrUnsupported, where, retSize.Dec(), len(fc.ReturnData))
		}
		if !retOff.IsUint64() || retOff.Uint64()%32 != 0 {
			return nil, fmt.Errorf("%w: %s: return offset %s is not a multiple of 32 (in a shape without Rdc)", ErrUnsupported, where, retOff.Dec())
		}
		n = copied / 32
		if retOff.Uint64()/32+n > uint64(a.s.Memory) {
			return nil, fmt.Errorf("%w: %s: return area beyond %d bytes of memory", ErrCapacity, where, 32*a.s.Memory)
		}
	}

	e := newCallEntry(a.s)
	e.Used, e.Static, e.Delegate, e.ID = 1, boolInt(kind == callKindStatic), boolInt(kind == callKindDelegate), i
	gas, to := top(0), top(1)
	e.Gas, e.To = word(&gas), word(&to)
	var value uint256.Int
	if kind == callKindCall {
		value = top(2)
		e.Value = word(&value)
	}
	e.MemoryData, e.RetOff, e.RetArea, e.RetSize = mdata, word(&retOff), retSize.Uint64(), copied
	e.Success, e.RetLen, e.Ret = boolInt(!pushed.IsZero()), len(fc.ReturnData), bytesWords(fc.ReturnData, a.s.CallReturn)
	prev := a.rds[0]
	prevSize := retSizeOf(&prev)
	e.PrevRetLen, e.PrevCall = prevSize.Uint64(), callOf(&prev)
	if e.RetBytes != nil {
		for w := range e.RetBytes {
			for p := range 32 {
				e.RetBytes[w][p] = int(byteAt(fc.ReturnData, 32*w+p))
			}
		}
	}

	tm := func(ri, port int) int { return portsPerRow*ri + port }
	var rows []Row
	row := func(fam family, aux int, sp int, kk uint64) (*Row, int) {
		ri := i + len(rows)
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.K, r.Aux = 1, int(st.PC), int(st.Op), sp, kk, aux
		r.setFamily(a.s, fam)
		rows = append(rows, r)
		return &rows[len(rows)-1], ri
	}
	for p := range np {
		r, ri := row(famCallParam, aluCallParam, sp-p, 0)
		r.R0 = a.readStack(sp-1-p, tm(ri, portR0))
	}
	sp2 := sp - np
	for k := range m {
		r, ri := row(famCallData, aluCallData, sp2, k)
		r.J = mdata.J
		r.R0 = a.readStack(sp2-1, tm(ri, portR0))
		r.R1 = a.readStack(sp2-2, tm(ri, portR1))
		r.Data = a.readMem(qin+k, tm(ri, portData))
	}
	r, ri := row(famCallSize, aluCallSize, sp2, m)
	r.R0 = a.readStack(sp2-1, tm(ri, portR0))
	r.R1 = a.readStack(sp2-2, tm(ri, portR1))
	sp3 := sp2 - 2
	if a.s.Rdc > 0 {
		// The words from Q take the return data's bytes inside the area.
		e.J, e.Q = j, q
		if md > 0 {
			e.Rd = j + copied - 32*(md-1)
		}
		for k := range md {
			r, ri := row(famCallRet, aluCallRet, sp3, k)
			r.J = j
			r.R0 = a.readStack(sp3-1, tm(ri, portR0))
			r.R1 = a.readStack(sp3-2, tm(ri, portR1))
			old := a.mem[q+k]
			ob := old.Bytes32()
			nb := ob
			for p := range nb {
				if cp := int64(32*k) + int64(p) - int64(j); cp >= 0 && cp < int64(copied) {
					nb[p] = fc.ReturnData[cp]
				}
			}
			for p, byt := range ob {
				e.OldBytes[k][p] = int(byt)
			}
			nw := *new(uint256.Int).SetBytes32(nb[:])
			e.New[k] = word(&nw)
			r.Data = a.writeCell(a.mem, domMem, int(q+k), tm(ri, portData), nw)
		}
		n = md
	} else {
		rw := retOff.Uint64() / 32
		for k := range n {
			r, ri := row(famCallRet, aluCallRet, sp3, k)
			r.R0 = a.readStack(sp3-1, tm(ri, portR0))
			r.R1 = a.readStack(sp3-2, tm(ri, portR1))
			var v uint256.Int
			v.SetBytes32(fc.ReturnData[32*k : 32*k+32])
			old := a.mem[rw+k]
			e.Olds[k] = word(&old)
			r.Data = a.writeCell(a.mem, domMem, int(rw+k), tm(ri, portData), v)
		}
	}
	r, ri = row(famCallEnd, aluCallEnd0+kind, sp3, n)
	r.R0 = a.readStack(sp3-1, tm(ri, portR0))
	r.R1 = a.readStack(sp3-2, tm(ri, portR1))
	r.W0 = a.writeCell(a.stack, domStack, sp3-2, tm(ri, portW0), pushed)
	r.Data = a.writeCell(a.rds, domRetSize, 0, tm(ri, portData), retSizeCell(k+1, len(fc.ReturnData)))

	// What the rows hand the callee and get back is what go-ethereum did.
	if fc.Op != st.Op || !fc.Gas.Eq(&gas) || !fc.To.Eq(&to) || !fc.Value.Eq(&value) || !bytes.Equal(fc.Input, input) || fc.Success != !pushed.IsZero() {
		return nil, fmt.Errorf("%w: %s: go-ethereum called otherwise", ErrExecution, where)
	}
	tb.calls = append(tb.calls, e)
	return rows, nil
}

// retSizeCell is the return data size cell's value after call number n
// (1 + its index) returned size bytes: n in the high limb, the size in
// the low one.
func retSizeCell(n, size int) uint256.Int {
	var v uint256.Int
	v.Lsh(uint256.NewInt(uint64(n)), 128)
	return *v.Or(&v, uint256.NewInt(uint64(size)))
}

// retSizeOf is the size in a return data size cell's value.
func retSizeOf(v *uint256.Int) uint256.Int {
	return *uint256.NewInt(v[0])
}

// callOf is the call number in a return data size cell's value.
func callOf(v *uint256.Int) uint64 { return v[2] }
