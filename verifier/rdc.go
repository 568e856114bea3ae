package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/holiman/uint256"
)

// RdcEntry is one RETURNDATACOPY of L bytes of the last call's return
// data from offset S to memory offset D = J + 32·Q (J < 32). Its first
// row reads the return data size cell, which names the call (Call, 1 +
// its index in the call list, 0 for none) and its return data size
// RetLen; S + L <= RetLen, as the EVM requires. Then its md =
// ceil((J+L)/32) destination rows write the words from Q on (Old before,
// New after), New taking the return data's bytes from the call list's
// byte table inside the copied range and Old's outside it. A copy of no
// bytes is its first row alone. Each row sends (op + 2^8·i, ...) on the
// ALU bus, i its row's index, and the entry sends the same tuples from
// ID on.
type RdcEntry struct {
	Used, ID     frontend.Variable
	D, S, L      Word
	J, Q, Rd     frontend.Variable // J + L = 32(md-1) + Rd, 1..32, when L > 0
	Call, RetLen frontend.Variable
	OldBytes     [][32]frontend.Variable
	New          []Word
}

// newRdcEntry is an unused RETURNDATACOPY entry of shape s.
func newRdcEntry(s Shape) RdcEntry {
	e := RdcEntry{Used: 0, ID: 0, D: zeroWord(), S: zeroWord(), L: zeroWord(), J: 0, Q: 0, Rd: 0, Call: 0, RetLen: 0,
		OldBytes: make([][32]frontend.Variable, s.RdcWords), New: make([]Word, s.RdcWords)}
	for k := range e.OldBytes {
		zeros(e.OldBytes[k][:])
		e.New[k] = zeroWord()
	}
	return e
}

// rdcEntries is the empty RETURNDATACOPY table of shape s.
func rdcEntries(s Shape) []RdcEntry {
	out := make([]RdcEntry, s.Rdc)
	for j := range out {
		out[j] = newRdcEntry(s)
	}
	return out
}

// rdcTable constrains the RETURNDATACOPY table.
func (b *builder) rdcTable() {
	api, c := b.api, b.c
	callBytes := 32 * b.s.CallReturn
	var prevUsed, prevID frontend.Variable = 1, -1
	for j := range c.Rdc {
		e := &c.Rdc[j]
		api.AssertIsBoolean(e.Used)
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.ID, prevID, 1)), 16)
		prevUsed, prevID = e.Used, e.ID

		// The source range lies within the return data.
		api.AssertIsEqual(e.S.Hi, 0)
		api.AssertIsEqual(e.L.Hi, 0)
		b.rc.Check(e.S.Lo, 16)
		b.rc.Check(e.L.Lo, 16)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.RetLen, e.S.Lo, e.L.Lo)), 16)

		// md destination words, from D = J + 32·Q when there are any.
		df, _ := b.destWords(len(e.New), e.Used, e.L.Lo, e.D, e.J, e.Q, e.Rd)
		hasData := df[0]

		// The first row: the cell it read.
		dc, sc, lc := newCombo(e.D.Hi, e.D.Lo), newCombo(e.S.Hi, e.S.Lo), newCombo(e.L.Hi, e.L.Lo)
		cell := newCombo(e.Call, e.RetLen)
		b.aluTable = append(b.aluTable, aluTuple{enable: e.Used,
			op: api.Add(aluRdcHead, api.Mul(api.Sub(1, hasData), aluRdcEmpty-aluRdcHead), api.Mul(e.ID, rowIndexShift)),
			a:  dc, b: sc, c: lc, d: cell, e: cell, j: 0})

		// Destination word k: bytes lo..hi-1 copied from the return data
		// at S + 32·k - J + q, the others Old's.
		base := api.Add(api.Mul(api.Sub(e.Call, 1), callBytes), e.S.Lo, api.Neg(e.J))
		for k := range e.New {
			old, end := b.destWord(k, df, e.J, e.L.Lo, &e.OldBytes[k], e.New[k], func(copied []frontend.Variable) []frontend.Variable {
				idx := make([]frontend.Variable, 32)
				for q := range idx {
					idx[q] = api.Mul(copied[q], api.Add(base, 32*k+q))
				}
				return b.retBytes.Lookup(idx...)
			})
			b.aluTable = append(b.aluTable, aluTuple{enable: df[k],
				op: api.Add(aluRdcMid, api.Mul(end, aluRdcEnd-aluRdcMid), api.Mul(api.Add(e.ID, 1, k), rowIndexShift)),
				a:  dc, b: sc, c: lc, d: newCombo(old.Hi, old.Lo), e: newCombo(e.New[k].Hi, e.New[k].Lo), j: api.Add(e.J, k*copyKShift)})
		}
		b.committed = append(b.committed, e.Used, e.ID, e.D.Hi, e.D.Lo, e.S.Hi, e.S.Lo, e.L.Hi, e.L.Lo, e.J, e.Q, e.Rd, e.Call, e.RetLen)
		for k := range e.OldBytes {
			b.committed = append(b.committed, e.OldBytes[k][:]...)
			b.committed = append(b.committed, e.New[k].Hi, e.New[k].Lo)
		}
	}
}

// destWords constrains where a write of l bytes to memory offset off
// lands (RETURNDATACOPY's, a call's return area): off = J + 32·Q with J <
// 32, in md = ceil((J+l)/32) of at most n words, J + l = 32(md-1) + Rd
// with 1 <= Rd <= 32 where l > 0, and J, Rd and md zero where l is zero
// (then off is free). used is 1 where the write is one. It returns the
// n flags of the words written (ones, then zeros) and md.
func (b *builder) destWords(n int, used, l frontend.Variable, off Word, j, q, rd frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := b.api
	df := b.ones(n, api.Add(j, l), 32, false)
	hasData := df[0]
	api.AssertIsEqual(api.Mul(hasData, api.Sub(1, used)), 0)
	var md frontend.Variable = 0
	for _, f := range df {
		md = api.Add(md, f)
	}
	b.rc.Check(j, 5)
	b.rc.Check(q, 16)
	api.AssertIsEqual(api.Mul(api.Sub(1, hasData), j), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, hasData), rd), 0)
	b.rc.Check(api.Sub(rd, hasData), 5)
	api.AssertIsEqual(api.Add(j, l), api.Add(api.Mul(api.Sub(md, hasData), 32), rd))
	api.AssertIsEqual(api.Mul(hasData, off.Hi), 0)
	api.AssertIsEqual(api.Mul(hasData, api.Sub(off.Lo, api.Add(j, api.Mul(q, 32)))), 0)
	return df, md
}

// rdcRows assigns a RETURNDATACOPY: its first row, which reads the
// return data size cell, then one row per memory word it writes, and its
// entry.
func (a *assigner) rdcRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	dst, src, size := st.Stack[sp-1], st.Stack[sp-2], st.Stack[sp-3]
	cell := a.rds[0]
	retLen, call := retSizeOf(&cell), callOf(&cell)
	var end uint256.Int
	if _, over := end.AddOverflow(&src, &size); over || end.Gt(&retLen) {
		return nil, fmt.Errorf("%w: RETURNDATACOPY at pc %d: %s bytes from offset %s of %s bytes of return data", ErrExecution, st.PC, size.Dec(), src.Dec(), retLen.Dec())
	}
	e := newRdcEntry(a.s)
	e.Used, e.ID, e.D, e.S, e.L, e.Call, e.RetLen = 1, i, word(&dst), word(&src), word(&size), call, retLen.Uint64()
	var rows []Row
	row := func(fam family, aux int, jj, k uint64) (*Row, func(int) int) {
		ri := i + len(rows)
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.J, r.K, r.Aux = 1, int(st.PC), int(st.Op), sp, jj, k, aux
		r.setFamily(a.s, fam)
		rows = append(rows, r)
		return &rows[len(rows)-1], func(port int) int { return portsPerRow*ri + port }
	}
	ports := func(r *Row, tm func(int) int) {
		r.R0 = a.readStack(sp-1, tm(portR0))
		r.R1 = a.readStack(sp-2, tm(portR1))
		r.W0 = a.writeCell(a.stack, domStack, sp-3, tm(portW0), size)
	}
	fam, aux := famRdcHead, aluRdcHead
	if size.IsZero() {
		fam, aux = famRdcEmpty, aluRdcEmpty
	}
	r, tm := row(fam, aux, 0, 0)
	ports(r, tm)
	cw := word(&cell)
	r.Data = WritePort{Hi: cw.Hi, Lo: cw.Lo, OldHi: cw.Hi, OldLo: cw.Lo, PrevT: a.touch(cellKey{dom: domRetSize}, tm(portData))}
	if size.IsZero() {
		tb.rdcs = append(tb.rdcs, e)
		return rows, nil
	}
	d, l, s := dst.Uint64(), size.Uint64(), src.Uint64()
	if !dst.IsUint64() || d > 32*uint64(a.s.Memory) || l > 32*uint64(a.s.Memory)-d {
		return nil, fmt.Errorf("%w: RETURNDATACOPY at pc %d: %s bytes to memory offset %s, beyond %d bytes", ErrCapacity, st.PC, size.Dec(), dst.Dec(), 32*a.s.Memory)
	}
	j, q := d%32, d/32
	md := (j + l + 31) / 32
	if md > uint64(a.s.RdcWords) {
		return nil, fmt.Errorf("%w: RETURNDATACOPY at pc %d: %d destination words, shape has %d", ErrCapacity, st.PC, md, a.s.RdcWords)
	}
	e.J, e.Q, e.Rd = j, q, j+l-32*(md-1)
	ret := a.t.Calls[call-1].ReturnData
	for k := range md {
		fam, aux := famRdcMid, aluRdcMid
		if k == md-1 {
			fam, aux = famRdcEnd, aluRdcEnd
		}
		r, tm := row(fam, aux, j, k)
		ports(r, tm)
		old := a.mem[q+k]
		ob := old.Bytes32()
		nb := ob
		for p := range nb {
			if cp := int64(32*k) + int64(p) - int64(j); cp >= 0 && cp < int64(l) {
				nb[p] = ret[s+uint64(cp)]
			}
		}
		for p, byt := range ob {
			e.OldBytes[k][p] = int(byt)
		}
		nw := *new(uint256.Int).SetBytes32(nb[:])
		e.New[k] = word(&nw)
		r.Data = a.writeCell(a.mem, domMem, int(q+k), tm(portData), nw)
	}
	tb.rdcs = append(tb.rdcs, e)
	return rows, nil
}
