package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/holiman/uint256"
)

// McopyEntry is one MCOPY of L > 0 bytes from source offset S to
// destination offset D, S = Js + 32·Qs and D = J + 32·Q with Js, J < 32.
// Its ms = ceil((Js+L)/32) source rows read the memory words from Qs on
// (Src, K = 0 to ms-1), then its md = ceil((J+L)/32) destination rows
// write the words from Q on (Old before, New after, K = 0 to md-1): every
// source word is read before any destination word is written, so an
// overlap copies what the source held, as the EVM does. Each row sends
// (op + 2^8·i, ...) on the ALU bus, i its row's index, and the entry
// sends the same tuples from ID on. New keeps Old's bytes outside the
// copied range and takes the source's bytes inside it, looked up by
// position in a table of the source bytes.
type McopyEntry struct {
	Used     frontend.Variable
	ID       frontend.Variable
	D, S, L  Word
	J, Q     frontend.Variable
	Js, Qs   frontend.Variable
	Rs, Rd   frontend.Variable // Js + L = 32(ms-1) + Rs and J + L = 32(md-1) + Rd, 1..32
	SrcBytes [][32]frontend.Variable
	OldBytes [][32]frontend.Variable
	New      []Word
}

// newMcopyEntry is an unused MCOPY entry of shape s.
func newMcopyEntry(s Shape) McopyEntry {
	e := McopyEntry{Used: 0, ID: 0, D: zeroWord(), S: zeroWord(), L: zeroWord(), J: 0, Q: 0, Js: 0, Qs: 0, Rs: 0, Rd: 0,
		SrcBytes: make([][32]frontend.Variable, s.McopyWords+1), OldBytes: make([][32]frontend.Variable, s.McopyWords),
		New: make([]Word, s.McopyWords)}
	for k := range e.SrcBytes {
		zeros(e.SrcBytes[k][:])
	}
	for k := range e.OldBytes {
		zeros(e.OldBytes[k][:])
		e.New[k] = zeroWord()
	}
	return e
}

// mcopyEntries is the empty MCOPY table of shape s.
func mcopyEntries(s Shape) []McopyEntry {
	out := make([]McopyEntry, s.Mcopy)
	for j := range out {
		out[j] = newMcopyEntry(s)
	}
	return out
}

// wordOfBytes is the word of 32 bytes, high limb first.
func wordOfBytes(api frontend.API, bs *[32]frontend.Variable) Word {
	var hi, lo frontend.Variable = 0, 0
	for q, byt := range bs {
		if q < 16 {
			hi = api.Add(api.Mul(hi, 256), byt)
		} else {
			lo = api.Add(api.Mul(lo, 256), byt)
		}
	}
	return Word{hi, lo}
}

// mcopyTable constrains the MCOPY table and puts its tuples on the bus.
func (b *builder) mcopyTable() {
	api, c := b.api, b.c
	var prevUsed, prevID frontend.Variable = 1, -1
	for j := range c.Mcopy {
		e := &c.Mcopy[j]
		api.AssertIsBoolean(e.Used)
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		b.rc.Check(api.Mul(e.Used, api.Sub(e.ID, prevID, 1)), 16)
		prevUsed, prevID = e.Used, e.ID

		// Operands: limbs the rows read from the stack, L at least 1.
		api.AssertIsEqual(e.D.Hi, 0)
		api.AssertIsEqual(e.S.Hi, 0)
		api.AssertIsEqual(e.L.Hi, 0)
		b.rc.Check(e.J, 5)
		b.rc.Check(e.Js, 5)
		b.rc.Check(e.Q, 16)
		b.rc.Check(e.Qs, 16)
		api.AssertIsEqual(e.D.Lo, api.Add(e.J, api.Mul(e.Q, 32)))
		api.AssertIsEqual(e.S.Lo, api.Add(e.Js, api.Mul(e.Qs, 32)))
		b.rc.Check(api.Mul(e.Used, api.Sub(e.L.Lo, 1)), 16)

		// Word counts: sf[k] = 1 for the ms source words, df[k] for the md
		// destination words, each count the ceiling its remainder fixes.
		count := func(n int, bytes, r frontend.Variable) ([]frontend.Variable, frontend.Variable) {
			f := b.ones(n, bytes, 32, false)
			api.AssertIsEqual(f[0], e.Used)
			var m frontend.Variable = 0
			for _, x := range f {
				m = api.Add(m, x)
			}
			b.rc.Check(api.Mul(e.Used, api.Sub(r, 1)), 5)
			api.AssertIsEqual(api.Mul(api.Sub(1, e.Used), r), 0)
			api.AssertIsEqual(api.Mul(e.Used, api.Sub(bytes, api.Add(api.Mul(api.Sub(m, 1), 32), r))), 0)
			return f, m
		}
		sf, ms := count(len(e.SrcBytes), api.Add(e.Js, e.L.Lo), e.Rs)
		df, _ := count(len(e.New), api.Add(e.J, e.L.Lo), e.Rd)
		next := func(f []frontend.Variable, k int) frontend.Variable {
			if k+1 < len(f) {
				return f[k+1]
			}
			return 0
		}

		// The source words, and a table of their bytes with 32 zeros on
		// either side: copy position p is entry 32 + Js + p.
		dc, sc, lc := newCombo(e.D.Hi, e.D.Lo), newCombo(e.S.Hi, e.S.Lo), newCombo(e.L.Hi, e.L.Lo)
		tab := logderivlookup.New(api)
		for range 32 {
			tab.Insert(0)
		}
		for k := range e.SrcBytes {
			for _, byt := range e.SrcBytes[k] {
				b.rc.Check(byt, 8)
				tab.Insert(byt)
			}
			w := wordOfBytes(api, &e.SrcBytes[k])
			wc := newCombo(w.Hi, w.Lo)
			last := api.Sub(sf[k], next(sf, k))
			b.aluTable = append(b.aluTable, aluTuple{enable: sf[k],
				op: api.Add(aluMcSrcMid, api.Mul(last, aluMcSrcEnd-aluMcSrcMid), api.Mul(api.Add(e.ID, k), rowIndexShift)),
				a:  sc, b: dc, c: lc, d: wc, e: wc, j: api.Add(e.Js, k*copyKShift)})
		}
		for range 32 {
			tab.Insert(0)
		}

		// Destination word k: the source bytes from Js - J + 32·k on.
		base := api.Add(32, e.Js, api.Neg(e.J))
		for k := range e.New {
			old, end := b.destWord(k, df, e.J, e.L.Lo, &e.OldBytes[k], e.New[k], func(copied []frontend.Variable) []frontend.Variable {
				idx := make([]frontend.Variable, 32)
				for q := range idx {
					idx[q] = api.Mul(df[k], api.Add(base, 32*k+q))
				}
				return tab.Lookup(idx...)
			})
			b.aluTable = append(b.aluTable, aluTuple{enable: df[k],
				op: api.Add(aluMcDstMid, api.Mul(end, aluMcDstEnd-aluMcDstMid), api.Mul(api.Add(e.ID, ms, k), rowIndexShift)),
				a:  dc, b: sc, c: lc, d: newCombo(old.Hi, old.Lo), e: newCombo(e.New[k].Hi, e.New[k].Lo), j: api.Add(e.J, k*copyKShift)})
		}
		b.committed = append(b.committed, e.Used, e.ID, e.D.Hi, e.D.Lo, e.S.Hi, e.S.Lo, e.L.Hi, e.L.Lo, e.J, e.Q, e.Js, e.Qs, e.Rs, e.Rd)
		for k := range e.SrcBytes {
			b.committed = append(b.committed, e.SrcBytes[k][:]...)
		}
		for k := range e.OldBytes {
			b.committed = append(b.committed, e.OldBytes[k][:]...)
			b.committed = append(b.committed, e.New[k].Hi, e.New[k].Lo)
		}
	}
}

// destWord constrains destination word k of a copy into memory of l
// bytes from byte j of its first word, over the words df flags: bytes
// lo..hi-1 (lo = j for the first word, else 0; hi = 32 but for the last
// word, j + l - 32·k) are src's, given which bytes are copied, and the
// others old's; the result is nw. It returns the old word and whether k
// is the last word.
func (b *builder) destWord(k int, df []frontend.Variable, j, l frontend.Variable, old *[32]frontend.Variable, nw Word,
	src func(copied []frontend.Variable) []frontend.Variable) (Word, frontend.Variable) {
	api := b.api
	var mid frontend.Variable = 0
	if k+1 < len(df) {
		mid = df[k+1]
	}
	end := api.Sub(df[k], mid)
	var lo frontend.Variable = 0
	if k == 0 {
		lo = j
	}
	hi := api.Add(api.Mul(mid, 32), api.Mul(end, api.Sub(api.Add(j, l), 32*k)))
	belowHi, belowLo := b.ones(32, hi, 1, true), b.ones(32, api.Mul(df[k], lo), 1, true)
	copied := make([]frontend.Variable, 32)
	for q := range copied {
		copied[q] = api.Sub(belowHi[q], belowLo[q])
	}
	got := src(copied)
	var nb [32]frontend.Variable
	for q, ob := range old {
		b.rc.Check(ob, 8)
		nb[q] = api.Add(ob, api.Mul(copied[q], api.Sub(got[q], ob)))
	}
	w := wordOfBytes(api, &nb)
	api.AssertIsEqual(nw.Hi, w.Hi)
	api.AssertIsEqual(nw.Lo, w.Lo)
	return wordOfBytes(api, old), end
}

// mcopyRows assigns an MCOPY: one row per source word it reads, then one
// per destination word it writes, and its entry; or one row touching no
// memory for a copy of zero bytes.
func (a *assigner) mcopyRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	dst, src, size := st.Stack[sp-1], st.Stack[sp-2], st.Stack[sp-3]
	if size.IsZero() {
		r := a.idleRow(i)
		r.Active, r.PC, r.Op, r.SP = 1, int(st.PC), int(st.Op), sp
		r.setFamily(a.s, famCopyEmpty)
		r.R0 = a.readStack(sp-3, portsPerRow*i+portR0)
		return []Row{r}, nil
	}
	limit := 32 * uint64(a.s.Memory)
	for _, off := range []uint256.Int{dst, src} {
		if !off.IsUint64() || !size.IsUint64() || off.Uint64() > limit || size.Uint64() > limit-off.Uint64() {
			return nil, fmt.Errorf("%w: MCOPY at pc %d: %s bytes from offset %s, beyond %d bytes of memory", ErrCapacity, st.PC, size.Dec(), off.Dec(), limit)
		}
	}
	d, s, l := dst.Uint64(), src.Uint64(), size.Uint64()
	j, q, js, qs := d%32, d/32, s%32, s/32
	md, ms := (j+l+31)/32, (js+l+31)/32
	if md > uint64(a.s.McopyWords) {
		return nil, fmt.Errorf("%w: MCOPY at pc %d: %d destination words, shape has %d", ErrCapacity, st.PC, md, a.s.McopyWords)
	}
	e := newMcopyEntry(a.s)
	e.Used, e.ID, e.D, e.S, e.L, e.J, e.Q, e.Js, e.Qs = 1, i, word(&dst), word(&src), word(&size), j, q, js, qs
	e.Rs, e.Rd = js+l-32*(ms-1), j+l-32*(md-1)

	var rows []Row
	row := func(fam family, aux int, jj, k uint64) (*Row, func(int) int) {
		ri := i + len(rows)
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.J, r.K, r.Aux = 1, int(st.PC), int(st.Op), sp, jj, k, aux
		r.setFamily(a.s, fam)
		rows = append(rows, r)
		return &rows[len(rows)-1], func(port int) int { return portsPerRow*ri + port }
	}
	// The source bytes, before any destination word is written.
	var buf []byte
	for k := range ms {
		fam, aux := famMcSrcMid, aluMcSrcMid
		if k == ms-1 {
			fam, aux = famMcSrcEnd, aluMcSrcEnd
		}
		r, tm := row(fam, aux, js, k)
		r.R0 = a.readStack(sp-2, tm(portR0))
		r.R1 = a.readStack(sp-1, tm(portR1))
		r.W0 = a.writeCell(a.stack, domStack, sp-3, tm(portW0), size)
		r.Data = a.readMem(qs+k, tm(portData))
		wb := a.mem[qs+k].Bytes32()
		for p, byt := range wb {
			e.SrcBytes[k][p] = int(byt)
		}
		buf = append(buf, wb[:]...)
	}
	buf = buf[js : js+l]
	for k := range md {
		fam, aux := famMcDstMid, aluMcDstMid
		if k == md-1 {
			fam, aux = famMcDstEnd, aluMcDstEnd
		}
		r, tm := row(fam, aux, j, k)
		r.R0 = a.readStack(sp-1, tm(portR0))
		r.R1 = a.readStack(sp-2, tm(portR1))
		r.W0 = a.writeCell(a.stack, domStack, sp-3, tm(portW0), size)
		old := a.mem[q+k]
		ob := old.Bytes32()
		nb := ob
		for p := range nb {
			if cp := int64(32*k) + int64(p) - int64(j); cp >= 0 && cp < int64(l) {
				nb[p] = buf[cp]
			}
		}
		for p, byt := range ob {
			e.OldBytes[k][p] = int(byt)
		}
		nw := *new(uint256.Int).SetBytes32(nb[:])
		e.New[k] = word(&nw)
		r.Data = a.writeCell(a.mem, domMem, int(q+k), tm(portData), nw)
	}
	tb.mcopies = append(tb.mcopies, e)
	return rows, nil
}
