package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// CopyEntry is one row of the copy table: one memory word that a
// CALLDATACOPY or CODECOPY of L bytes from source offset S to memory
// offset D writes. The copy's rows write the words from the one holding
// byte D on, one per row: the row with index K writes word D/32 + K. Its
// tuple on the bus is (op, D, S, L, Old, New, J + 2^32·K), the row's R0,
// R1, W0, the word's old and new value, and its position.
//
// With J = D mod 32, the word's bytes lo..hi-1 are copied, lo = J for the
// first word (K = 0) and 0 after it, hi = 32 for a middle row and
// J + L - 32·K, at most 32, for the last: a middle row needs more than 32
// bytes left from the word's start, the last row 1 to 32. The copied
// bytes come from the window of 32 source bytes from S - J + 32·K,
// through the accumulator table over code and calldata; source bytes past
// the source's end are zero. A window that starts at or past the end
// (Past) is all zeros. The other bytes keep Old's.
type CopyEntry struct {
	Flags    [copyLast - copyFirst + 1]frontend.Variable
	D, S, L  Word
	Old, New Word
	J, K, Q  frontend.Variable // D.Lo = J + 32·Q
	Past     frontend.Variable
	OldBytes [32]frontend.Variable
}

// copyTable constrains the copy table.
func (b *builder) copyTable() {
	api, c := b.api, b.c
	cdBase := calldataBase(len(c.Code))
	for i := range c.Copy {
		e := &c.Copy[i]
		used, op := b.oneHot(e.Flags[:], copyFirst)
		fromCalldata := api.Add(e.Flags[aluCopyCalldataMid-copyFirst], e.Flags[aluCopyCalldataEnd-copyFirst])
		fromCode := api.Add(e.Flags[aluCopyCodeMid-copyFirst], e.Flags[aluCopyCodeEnd-copyFirst])
		mid := api.Add(e.Flags[aluCopyCalldataMid-copyFirst], e.Flags[aluCopyCodeMid-copyFirst])
		end := api.Sub(used, mid)

		// Operands: D = J + 32·Q with J < 32 and Q < 2^16; S and L below
		// 2^128 (they are limbs read from the stack, and each row reads
		// the same). J and K are the row's: the row sends J_r + 2^32·K_r,
		// with K_r < 2^16 counted from 0 and its word D - J_r + 32·K_r in
		// memory. Then 2^27·(K - K_r) is an integer m, |m| < 2^17, and the
		// window's range check below keeps 32·K, so m/2^22, within 2^130
		// of an integer: m = 0. So K = K_r and J = J_r.
		api.AssertIsEqual(e.S.Hi, 0)
		api.AssertIsEqual(e.L.Hi, 0)
		b.rc.Check(e.J, 5)
		b.rc.Check(e.Q, 16)
		api.AssertIsEqual(e.D.Lo, api.Add(e.J, api.Mul(e.Q, 32)))

		// The bytes lo..hi-1 of the word are copied. A middle row has more
		// than 32 bytes left from its word's start, so the copy has at
		// least one more word. The last row takes the copy's last bytes, at
		// least the one at lo and at most 32 (hi is a count of 32
		// booleans).
		lo := api.Mul(api.IsZero(e.K), e.J)
		left := api.Sub(api.Add(e.J, e.L.Lo), api.Mul(e.K, 32)) // bytes to copy from the word's start
		b.rc.Check(api.Mul(mid, api.Sub(left, 33)), 34)
		b.rc.Check(api.Mul(end, api.Sub(left, 1, lo)), 5)
		hi := api.Add(api.Mul(mid, 32), api.Mul(end, left))
		// belowHi[k] = 1 if k < hi, belowLo[k] = 1 if k < lo.
		belowHi, belowLo := b.ones(32, hi, 1, true), b.ones(32, lo, 1, true)

		// The window: source bytes from s = S - J + 32·K (s >= -31), zero
		// when Past, which needs s at or past the source's length; else s
		// is below it, and the window lies within the source and the zeros
		// around it.
		s := api.Add(api.Sub(e.S.Lo, e.J), api.Mul(e.K, 32))
		length := api.Add(api.Mul(fromCalldata, c.CalldataLen), api.Mul(fromCode, c.CodeLen))
		api.AssertIsBoolean(e.Past)
		inside := api.Sub(length, 1, s)
		b.rc.Check(api.Add(inside, api.Mul(e.Past, api.Sub(api.Sub(s, length), inside))), 34)
		start := api.Mul(api.Sub(1, e.Past), api.Add(s, api.Mul(fromCalldata, cdBase), api.Mul(fromCode, codeBase)))
		idx := make([]frontend.Variable, 33)
		for k := range idx {
			idx[k] = api.Add(start, k)
		}
		acc := b.acc.Lookup(idx...)

		// New: Old's bytes, but the window's from lo to hi.
		var oldHi, oldLo, newHi, newLo frontend.Variable = 0, 0, 0, 0
		for k, ob := range e.OldBytes {
			b.rc.Check(ob, 8)
			win := api.Sub(acc[k+1], api.Mul(acc[k], 256))
			nb := api.Add(ob, api.Mul(api.Sub(belowHi[k], belowLo[k]), api.Sub(win, ob)))
			if k < 16 {
				oldHi, newHi = api.Add(api.Mul(oldHi, 256), ob), api.Add(api.Mul(newHi, 256), nb)
			} else {
				oldLo, newLo = api.Add(api.Mul(oldLo, 256), ob), api.Add(api.Mul(newLo, 256), nb)
			}
		}
		api.AssertIsEqual(e.Old.Hi, oldHi)
		api.AssertIsEqual(e.Old.Lo, oldLo)
		api.AssertIsEqual(e.New.Hi, newHi)
		api.AssertIsEqual(e.New.Lo, newLo)

		b.aluTable = append(b.aluTable, aluTuple{enable: used, op: op,
			a: newCombo(e.D.Hi, e.D.Lo), b: newCombo(e.S.Hi, e.S.Lo), c: newCombo(e.L.Hi, e.L.Lo),
			d: newCombo(e.Old.Hi, e.Old.Lo), e: newCombo(e.New.Hi, e.New.Lo), j: api.Add(e.J, api.Mul(e.K, copyKShift))})
		b.committed = append(b.committed, e.Flags[:]...)
		b.committed = append(b.committed, e.D.Hi, e.D.Lo, e.S.Hi, e.S.Lo, e.L.Hi, e.L.Lo,
			e.Old.Hi, e.Old.Lo, e.New.Hi, e.New.Lo, e.J, e.K)
	}
}

// copyKShift places a copy row's word index K above its byte position J
// in the bus tuple's last element.
const copyKShift = 1 << 32

// maxCopySource bounds a copy's source offset: the window's range check
// spans 2^34 bytes, which the windows of any offset below 2^32 fit. A
// larger offset is refused.
const maxCopySource = 1 << 32

// copyRows assigns a CALLDATACOPY or CODECOPY as one row per memory word
// it writes, each with its copy entry, or one row touching no memory for a
// copy of zero bytes.
func (a *assigner) copyRows(si, i int, tb *aluTables) ([]Row, error) {
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
	if !dst.IsUint64() || !size.IsUint64() || dst.Uint64() > limit || size.Uint64() > limit-dst.Uint64() {
		return nil, fmt.Errorf("%w: %s at pc %d: %s bytes to memory offset %s, beyond %d bytes", ErrCapacity, st.Op, st.PC, size.Dec(), dst.Dec(), 32*a.s.Memory)
	}
	if !src.IsUint64() || src.Uint64() >= maxCopySource {
		return nil, fmt.Errorf("%w: %s at pc %d: source offset %s is 2^32 or more", ErrUnsupported, st.Op, st.PC, src.Dec())
	}
	source, opMid, opEnd := a.t.Calldata, aluCopyCalldataMid, aluCopyCalldataEnd
	if st.Op == vm.CODECOPY {
		source, opMid, opEnd = a.t.Code, aluCopyCodeMid, aluCopyCodeEnd
	}
	d, s, l := dst.Uint64(), int64(src.Uint64()), size.Uint64()
	j, w0 := d%32, d/32
	words := (j + l + 31) / 32
	rows := make([]Row, words)
	for k := range words {
		ri := i + int(k)
		tm := func(port int) int { return portsPerRow*ri + port }
		fam, op := famCopyMid, opMid
		if k == words-1 {
			fam, op = famCopyEnd, opEnd
		}
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.J, r.K, r.Aux = 1, int(st.PC), int(st.Op), sp, j, k, op
		r.setFamily(a.s, fam)
		r.R0 = a.readStack(sp-1, tm(portR0))
		r.R1 = a.readStack(sp-2, tm(portR1))
		r.W0 = a.writeCell(a.stack, domStack, sp-3, tm(portW0), size)

		// The word's bytes lo..hi-1 come from the window at start.
		lo, hi := uint64(0), min(j+l-32*k, 32)
		if k == 0 {
			lo = j
		}
		start := s - int64(j) + 32*int64(k)
		old := a.mem[w0+k]
		ob := old.Bytes32()
		nb := ob
		for b := lo; b < hi; b++ {
			if p := start + int64(b); p >= 0 && p < int64(len(source)) {
				nb[b] = source[p]
			} else {
				nb[b] = 0
			}
		}
		nw := *new(uint256.Int).SetBytes32(nb[:])
		r.Data = a.writeCell(a.mem, domMem, int(w0+k), tm(portData), nw)
		rows[k] = r

		e := CopyEntry{D: word(&dst), S: word(&src), L: word(&size), Old: word(&old), New: word(&nw),
			J: j, K: k, Q: w0, Past: 0}
		if start >= int64(len(source)) {
			e.Past = 1
		}
		zeros(e.Flags[:])
		e.Flags[op-copyFirst] = 1
		for b := range e.OldBytes {
			e.OldBytes[b] = int(ob[b])
		}
		tb.copies = append(tb.copies, e)
	}
	return rows, nil
}

// unusedCopy is a copy-table entry no row uses.
func unusedCopy() CopyEntry {
	e := CopyEntry{D: zeroWord(), S: zeroWord(), L: zeroWord(), Old: zeroWord(), New: zeroWord(), J: 0, K: 0, Q: 0, Past: 1}
	zeros(e.Flags[:])
	zeros(e.OldBytes[:])
	return e
}
