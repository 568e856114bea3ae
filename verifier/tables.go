package verifier

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
)

// AddEntry is one row of the addition table: C = op(A, B) for ADD, SUB,
// LT, GT, SLT, SGT, EQ, ISZERO and NOT, checked with one 256-bit addition
// P + B' + cin = A' + K·2^256. For ADD, B' = NOT B and cin = 1, so P =
// A + B; for SLT and SGT, A' and B' have their sign bits flipped; else
// they are A and B, and P = A - B.
type AddEntry struct {
	Flags   [addLast - addFirst + 1]frontend.Variable
	A, B, C Word
	P       Word
	Kmid, K frontend.Variable
	// SA and SB are the sign bits of A and B.
	SA, SB frontend.Variable
}

// MulEntry is one row of the multiplication table: C = op(A, B) for MUL,
// DIV, MOD, SDIV, SMOD, SHL, SHR, SAR, BYTE and SIGNEXTEND, checked with one
// 256×256-bit product X·Y + Z = W + V·2^256 over 64-bit limbs of X and Y.
// Shifts, BYTE and SIGNEXTEND multiply or divide by a power of two.
type MulEntry struct {
	Flags   [mulLast - mulFirst + 1]frontend.Variable
	A, B, C Word
	X, Y    [4]frontend.Variable // 64-bit limbs, least significant first
	Z, W, V Word
	Carry   [3]frontend.Variable
	// A.Lo = A5 + 32·A3 + 256·ARest: the shift amount or byte index.
	ARest, A5, A3 frontend.Variable
	// X[0] = SBit + 2·X7 + 256·XRest: the quotient's low byte is BYTE's
	// result, its low bit SIGNEXTEND's sign.
	XRest, SBit, X7 frontend.Variable
	// SA and SB are the sign bits of A and B. For SDIV and SMOD, W = |A|
	// and Y = |B| (CA, CB: the carries of |A| + A = 2^256 when A < 0), and
	// C is the quotient or remainder, negated when its sign says so (N1,
	// N2: the carries of C + result = 0 mod 2^256).
	SA, SB, CA, CB, N1, N2 frontend.Variable
	// Gap = Y - Z - 1 >= 0 shows the remainder is below the divisor.
	Gap       Word
	GapBorrow frontend.Variable
}

// BitEntry is one row of the bitwise table: C = op(A, B) for AND, OR and
// XOR, nibble by nibble through the lookup of valid (op, a, b, c) tuples.
type BitEntry struct {
	Flags      [bitLast - bitFirst + 1]frontend.Variable
	A, B, C    Word
	NA, NB, NC [64]frontend.Variable // nibbles, least significant first
}

// bitTable lists every valid nibble tuple (op, a, b, a op b), and the
// all-zero tuple of unused entries.
var bitTable = func() [][4]int {
	t := [][4]int{{0, 0, 0, 0}}
	for op := bitFirst; op <= bitLast; op++ {
		for a := range 16 {
			for b := range 16 {
				t = append(t, [4]int{op, a, b, bitOp(op, a, b)})
			}
		}
	}
	return t
}()

func bitOp(op, a, b int) int {
	switch op {
	case aluAnd:
		return a & b
	case aluOr:
		return a | b
	default:
		return a ^ b
	}
}

// bitTableIndex is the position of a tuple in bitTable.
func bitTableIndex(op, a, b int) int {
	if op == 0 {
		return 0
	}
	return 1 + (op-bitFirst)*256 + a*16 + b
}

var (
	two127 = new(big.Int).Lsh(big.NewInt(1), 127)
	two64  = new(big.Int).Lsh(big.NewInt(1), 64)
	max128 = new(big.Int).Sub(two128, big.NewInt(1))
)

// oneHot constrains flags to be booleans with at most one set, and returns
// their sum (the entry is used) and the operation code.
func (b *builder) oneHot(flags []frontend.Variable, first int) (used, op frontend.Variable) {
	api := b.api
	used, op = 0, 0
	for k, fl := range flags {
		api.AssertIsBoolean(fl)
		used = api.Add(used, fl)
		op = api.Add(op, api.Mul(fl, first+k))
	}
	api.AssertIsBoolean(used)
	return used, op
}

func (b *builder) gatedWord(gate frontend.Variable, x, y Word) {
	b.assertGatedEqual(gate, x.Hi, y.Hi)
	b.assertGatedEqual(gate, x.Lo, y.Lo)
}

func (b *builder) toBus(used, op frontend.Variable, a, bb, c Word, extra ...frontend.Variable) {
	b.aluTable = append(b.aluTable, aluTuple{enable: used, op: op,
		a: newCombo(a.Hi, a.Lo), b: newCombo(bb.Hi, bb.Lo), c: newCombo(c.Hi, c.Lo)})
	b.committed = append(b.committed, a.Hi, a.Lo, bb.Hi, bb.Lo, c.Hi, c.Lo)
	b.committed = append(b.committed, extra...)
}

// addTable constrains the addition table.
func (b *builder) addTable() {
	api := b.api
	for i := range b.c.Add {
		e := &b.c.Add[i]
		used, op := b.oneHot(e.Flags[:], addFirst)
		fl := func(o int) frontend.Variable { return e.Flags[o-addFirst] }
		isAdd, isSub, isLt, isGt := fl(aluAdd), fl(aluSub), fl(aluLt), fl(aluGt)
		isEq, isZ, isSlt, isSgt, isNot := fl(aluEq), fl(aluIszero), fl(aluSlt), fl(aluSgt), fl(aluNot)
		signed := api.Add(isSlt, isSgt)

		// Sign bits: A.Hi = SA·2^127 + rest, rest < 2^127.
		api.AssertIsBoolean(e.SA)
		api.AssertIsBoolean(e.SB)
		b.rc.Check(api.Sub(e.A.Hi, api.Mul(e.SA, two127)), 127)
		b.rc.Check(api.Sub(e.B.Hi, api.Mul(e.SB, two127)), 127)
		// Flipping the sign bit maps signed order to unsigned order.
		flipA := api.Mul(two127, api.Sub(1, api.Mul(2, e.SA)))
		flipB := api.Mul(two127, api.Sub(1, api.Mul(2, e.SB)))
		bHi := api.Add(e.B.Hi, api.Mul(signed, flipB))

		// P + B' + cin = A' + K·2^256, limbs of P below 2^128.
		b.rc.Check(e.P.Hi, 128)
		b.rc.Check(e.P.Lo, 128)
		api.AssertIsBoolean(e.Kmid)
		api.AssertIsBoolean(e.K)
		bLo := api.Add(e.B.Lo, api.Mul(isAdd, api.Sub(max128, api.Mul(e.B.Lo, 2))))
		bHi = api.Add(bHi, api.Mul(isAdd, api.Sub(max128, api.Mul(e.B.Hi, 2))))
		aHi := api.Add(e.A.Hi, api.Mul(signed, flipA))
		api.AssertIsEqual(api.Add(e.P.Lo, bLo, isAdd), api.Add(e.A.Lo, api.Mul(e.Kmid, two128)))
		api.AssertIsEqual(api.Add(e.P.Hi, bHi, e.Kmid), api.Add(aHi, api.Mul(e.K, two128)))

		// ADD and SUB: C = P.
		b.gatedWord(api.Add(isAdd, isSub), e.P, e.C)

		// Comparison results: C = (0, bit).
		eqBit := api.IsZero(api.Add(e.P.Hi, e.P.Lo))
		zBit := api.IsZero(api.Add(e.A.Hi, e.A.Lo))
		gtBit := api.Mul(api.Sub(1, e.K), api.Sub(1, eqBit))
		less, greater := api.Add(isLt, isSlt), api.Add(isGt, isSgt)
		cmp := api.Add(less, greater, isEq, isZ)
		api.AssertIsEqual(api.Mul(cmp, e.C.Hi), 0)
		bit := api.Add(api.Mul(less, e.K), api.Mul(greater, gtBit), api.Mul(isEq, eqBit), api.Mul(isZ, zBit))
		api.AssertIsEqual(api.Mul(cmp, e.C.Lo), bit)

		// NOT: C = 2^256 - 1 - A, limb by limb.
		b.assertGatedEqual(isNot, api.Add(e.C.Hi, e.A.Hi), max128)
		b.assertGatedEqual(isNot, api.Add(e.C.Lo, e.A.Lo), max128)

		b.toBus(used, op, e.A, e.B, e.C, append(e.Flags[:], e.P.Hi, e.P.Lo, e.Kmid, e.K, e.SA, e.SB)...)
	}
}

// mulTable constrains the multiplication table.
func (b *builder) mulTable() {
	api := b.api
	b.pow2Hi = logderivlookup.New(api)
	b.pow2Lo = logderivlookup.New(api)
	negHi, negLo := logderivlookup.New(api), logderivlookup.New(api)
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)
	for k := 0; k <= 256; k++ {
		p, n := new(big.Int), new(big.Int)
		if k < 256 {
			p.Lsh(big.NewInt(1), uint(k))
			n.Sub(two256, p) // 2^256 - 2^k: the bits a sign extension sets
		}
		b.pow2Hi.Insert(new(big.Int).Rsh(p, 128))
		b.pow2Lo.Insert(new(big.Int).And(p, max128))
		negHi.Insert(new(big.Int).Rsh(n, 128))
		negLo.Insert(new(big.Int).And(n, max128))
	}
	for i := range b.c.Mul {
		e := &b.c.Mul[i]
		used, op := b.oneHot(e.Flags[:], mulFirst)
		fl := func(o int) frontend.Variable { return e.Flags[o-mulFirst] }
		isMul, isDiv, isMod, isShl, isShr := fl(aluMul), fl(aluDiv), fl(aluMod), fl(aluShl), fl(aluShr)
		isSar, isByte, isSext := fl(aluSar), fl(aluByte), fl(aluSignext)
		isSdiv, isSmod := fl(aluSdiv), fl(aluSmod)
		isMulhi, isDivwide := fl(aluMulhi), fl(aluDivwide)
		signed := api.Add(isSdiv, isSmod)
		mulLike := api.Add(isMul, isShl, isMulhi)
		divLike := api.Add(isDiv, isMod, isShr, isSar, isByte, isSext, signed, isDivwide)
		pow2Like := api.Add(isShl, isShr, isSar, isByte, isSext)

		for _, v := range append(e.X[:], e.Y[:]...) {
			b.rc.Check(v, 64)
		}
		// V needs no range check: MULHI's and DIVWIDE's V reach the modulo
		// table through MOD entries, whose W checks them.
		for _, v := range []frontend.Variable{e.Z.Hi, e.Z.Lo, e.W.Hi, e.W.Lo, e.Gap.Hi, e.Gap.Lo, e.C.Hi, e.C.Lo} {
			b.rc.Check(v, 128)
		}
		for _, v := range e.Carry {
			b.rc.Check(v, 67)
		}
		xw := Word{Hi: api.Add(e.X[2], api.Mul(e.X[3], two64)), Lo: api.Add(e.X[0], api.Mul(e.X[1], two64))}
		yw := Word{Hi: api.Add(e.Y[2], api.Mul(e.Y[3], two64)), Lo: api.Add(e.Y[0], api.Mul(e.Y[1], two64))}

		// The power of two: 2^A for shifts (A < 256), 2^(248-8A) for BYTE
		// (A < 32), 2^(8A+7) for SIGNEXTEND (A < 31); index 256 gives 0.
		b.rc.Check(e.ARest, 120)
		b.rc.Check(e.A5, 5)
		b.rc.Check(e.A3, 3)
		api.AssertIsEqual(e.A.Lo, api.Add(e.A5, api.Mul(e.A3, 32), api.Mul(e.ARest, 256)))
		a8 := api.Add(e.A5, api.Mul(e.A3, 32))
		small := api.IsZero(api.Add(e.A.Hi, e.ARest))
		small32 := api.Mul(small, api.IsZero(e.A3))
		sext := api.Mul(small32, api.Sub(1, api.IsZero(api.Sub(e.A5, 31))))
		shiftIdx := api.Add(256, api.Mul(small, api.Sub(a8, 256)))
		byteIdx := api.Add(256, api.Mul(small32, api.Sub(248-256, api.Mul(e.A5, 8))))
		sextIdx := api.Add(256, api.Mul(sext, api.Sub(api.Add(api.Mul(e.A5, 8), 7), 256)))
		idx := api.Add(shiftIdx, api.Mul(isByte, api.Sub(byteIdx, shiftIdx)), api.Mul(isSext, api.Sub(sextIdx, shiftIdx)))
		p2 := Word{Hi: b.pow2Hi.Lookup(idx)[0], Lo: b.pow2Lo.Lookup(idx)[0]}
		neg := Word{Hi: negHi.Lookup(idx)[0], Lo: negLo.Lookup(idx)[0]}

		// X·Y + Z = W + V·2^256, in four 128-bit columns.
		x, y := e.X, e.Y
		p := func(i, j int) frontend.Variable { return api.Mul(x[i], y[j]) }
		col := func(even, odd []frontend.Variable) frontend.Variable {
			var s frontend.Variable = 0
			for _, v := range even {
				s = api.Add(s, v)
			}
			var o frontend.Variable = 0
			for _, v := range odd {
				o = api.Add(o, v)
			}
			return api.Add(s, api.Mul(o, two64))
		}
		c0 := col([]frontend.Variable{p(0, 0)}, []frontend.Variable{p(0, 1), p(1, 0)})
		c1 := col([]frontend.Variable{p(0, 2), p(1, 1), p(2, 0)}, []frontend.Variable{p(0, 3), p(1, 2), p(2, 1), p(3, 0)})
		c2 := col([]frontend.Variable{p(1, 3), p(2, 2), p(3, 1)}, []frontend.Variable{p(2, 3), p(3, 2)})
		c3 := p(3, 3)
		api.AssertIsEqual(api.Add(c0, e.Z.Lo), api.Add(e.W.Lo, api.Mul(e.Carry[0], two128)))
		api.AssertIsEqual(api.Add(c1, e.Z.Hi, e.Carry[0]), api.Add(e.W.Hi, api.Mul(e.Carry[1], two128)))
		api.AssertIsEqual(api.Add(c2, e.Carry[1]), api.Add(e.V.Lo, api.Mul(e.Carry[2], two128)))
		api.AssertIsEqual(api.Add(c3, e.Carry[2]), e.V.Hi)

		// The quotient's low byte and its low bit; B's sign bit.
		b.rc.Check(e.XRest, 56)
		b.rc.Check(e.X7, 7)
		api.AssertIsBoolean(e.SBit)
		api.AssertIsEqual(e.X[0], api.Add(e.SBit, api.Mul(e.X7, 2), api.Mul(e.XRest, 256)))
		xByte := api.Add(e.SBit, api.Mul(e.X7, 2))
		api.AssertIsBoolean(e.SB)
		b.rc.Check(api.Sub(e.B.Hi, api.Mul(e.SB, two127)), 127)
		notB := Word{Hi: api.Sub(max128, e.B.Hi), Lo: api.Sub(max128, e.B.Lo)}
		bSigned := Word{Hi: api.Add(e.B.Hi, api.Mul(e.SB, api.Sub(notB.Hi, e.B.Hi))), Lo: api.Add(e.B.Lo, api.Mul(e.SB, api.Sub(notB.Lo, e.B.Lo)))}
		notX := Word{Hi: api.Sub(max128, xw.Hi), Lo: api.Sub(max128, xw.Lo)}
		xSigned := Word{Hi: api.Add(xw.Hi, api.Mul(e.SB, api.Sub(notX.Hi, xw.Hi))), Lo: api.Add(xw.Lo, api.Mul(e.SB, api.Sub(notX.Lo, xw.Lo)))}

		// MUL: X = A, Y = B, Z = 0, W = C.   SHL: X = B, Y = 2^A, Z = 0, W = C.
		// DIV: C = X, Y = B, W = A.          MOD: C = Z, Y = B, W = A.
		// SHR: C = X, Y = 2^A, W = B.        SAR: as SHR on B or NOT B, by B's sign.
		// BYTE: C = X's low byte, W = B.     SIGNEXTEND: C = Z + sign·(2^256 - Y), W = B.
		// Divisions: V = 0; Z < Y unless Y = 0, and then X = 0 (MOD: C = 0).
		b.gatedWord(api.Add(isMul, isMulhi), xw, e.A)
		b.gatedWord(isShl, xw, e.B)
		b.gatedWord(api.Add(isDiv, isShr), xw, e.C)
		b.gatedWord(isSar, xSigned, e.C)
		b.gatedWord(isByte, Word{0, xByte}, e.C)
		b.gatedWord(isSext, Word{Hi: api.Add(e.Z.Hi, api.Mul(e.SBit, neg.Hi)), Lo: api.Add(e.Z.Lo, api.Mul(e.SBit, neg.Lo))}, e.C)
		b.gatedWord(api.Add(isMul, isDiv, isMod, isMulhi, isDivwide), yw, e.B)

		// SDIV and SMOD: W = |A|, Y = |B|.
		api.AssertIsBoolean(e.SA)
		b.rc.Check(api.Sub(e.A.Hi, api.Mul(e.SA, two127)), 127)
		b.absolute(signed, e.SA, e.CA, e.W, e.A)
		b.absolute(signed, e.SB, e.CB, yw, e.B)
		// The result: the quotient (SDIV: negative if the signs differ) or
		// the remainder (SMOD: the sign of A; 0 when B = 0).
		yZeroS := api.IsZero(api.Add(yw.Hi, yw.Lo))
		smodNZ := api.Sub(isSmod, api.Mul(isSmod, yZeroS))
		src := Word{Hi: api.Add(api.Mul(isSdiv, xw.Hi), api.Mul(smodNZ, e.Z.Hi)), Lo: api.Add(api.Mul(isSdiv, xw.Lo), api.Mul(smodNZ, e.Z.Lo))}
		signDiff := api.Sub(api.Add(e.SA, e.SB), api.Mul(2, e.SA, e.SB))
		negate := api.Add(api.Mul(isSdiv, signDiff), api.Mul(isSmod, e.SA))
		b.gatedWord(api.Sub(signed, negate), e.C, src)
		api.AssertIsBoolean(e.N1)
		api.AssertIsBoolean(e.N2)
		b.assertGatedEqual(negate, api.Add(e.C.Lo, src.Lo), api.Mul(e.N1, two128))
		b.assertGatedEqual(negate, api.Add(e.C.Hi, src.Hi, e.N1), api.Mul(e.N2, two128))
		b.gatedWord(pow2Like, yw, p2)
		b.gatedWord(mulLike, e.Z, Word{0, 0})
		b.gatedWord(api.Sub(mulLike, isMulhi), e.W, e.C)
		b.gatedWord(isMulhi, e.V, e.C) // the high half
		b.gatedWord(isDivwide, e.W, e.A)
		b.gatedWord(isDivwide, e.Z, e.C)
		b.gatedWord(api.Add(isDiv, isMod), e.W, e.A)
		b.gatedWord(api.Add(isShr, isByte, isSext), e.W, e.B)
		b.gatedWord(isSar, e.W, bSigned)
		b.gatedWord(api.Sub(divLike, isDivwide), e.V, Word{0, 0}) // DIVWIDE's V is on the bus
		yZero := api.IsZero(api.Add(yw.Hi, yw.Lo))
		byZero := api.Mul(divLike, yZero)
		b.gatedWord(byZero, xw, Word{0, 0})
		b.gatedWord(api.Mul(isMod, yZero), e.C, Word{0, 0})
		b.gatedWord(api.Sub(isMod, api.Mul(isMod, yZero)), e.Z, e.C)
		gd := api.Sub(divLike, byZero)
		api.AssertIsBoolean(e.GapBorrow)
		b.assertGatedEqual(gd, api.Add(e.Gap.Lo, e.Z.Lo, 1), api.Add(yw.Lo, api.Mul(e.GapBorrow, two128)))
		b.assertGatedEqual(gd, api.Add(e.Gap.Hi, e.Z.Hi, e.GapBorrow), yw.Hi)

		extra := append(append(append([]frontend.Variable{}, e.Flags[:]...), e.X[:]...), e.Y[:]...)
		extra = append(extra, e.Z.Hi, e.Z.Lo, e.W.Hi, e.W.Lo, e.V.Hi, e.V.Lo, e.Carry[0], e.Carry[1], e.Carry[2],
			e.ARest, e.A5, e.A3, e.XRest, e.SBit, e.X7, e.SA, e.SB, e.CA, e.CB, e.N1, e.N2, e.Gap.Hi, e.Gap.Lo, e.GapBorrow)
		b.toBus(used, op, e.A, e.B, e.C, extra...)
		// DIVWIDE's high numerator word travels as the tuple's D.
		last := &b.aluTable[len(b.aluTable)-1]
		last.gate, last.d, last.e, last.j = isDivwide, newCombo(e.V.Hi, e.V.Lo), newCombo(0, 0), 0
	}
}

// absolute asserts, when gate is 1, that abs = |v| for the sign bit s of
// v: abs = v if s = 0, abs + v = 2^256 (carry c out of the low limb) if
// s = 1.
func (b *builder) absolute(gate, s, c frontend.Variable, abs, v Word) {
	api := b.api
	neg := api.Mul(gate, s)
	b.gatedWord(api.Sub(gate, neg), abs, v)
	api.AssertIsBoolean(c)
	b.assertGatedEqual(neg, api.Add(abs.Lo, v.Lo), api.Mul(c, two128))
	b.assertGatedEqual(neg, api.Add(abs.Hi, v.Hi, c), two128)
}

// bitTable constrains the bitwise table: each word is its nibbles, and
// each nibble triple is a valid tuple of the operation.
func (b *builder) bitTable() {
	api := b.api
	recompose := func(n []frontend.Variable) frontend.Variable {
		var v frontend.Variable = 0
		for k := len(n) - 1; k >= 0; k-- {
			v = api.Add(api.Mul(v, 16), n[k])
		}
		return v
	}
	for i := range b.c.Bit {
		e := &b.c.Bit[i]
		used, op := b.oneHot(e.Flags[:], bitFirst)
		for _, wn := range []struct {
			w Word
			n *[64]frontend.Variable
		}{{e.A, &e.NA}, {e.B, &e.NB}, {e.C, &e.NC}} {
			api.AssertIsEqual(wn.w.Lo, recompose(wn.n[:32]))
			api.AssertIsEqual(wn.w.Hi, recompose(wn.n[32:]))
		}
		for k := range 64 {
			b.bitQueries = append(b.bitQueries, [4]frontend.Variable{op, e.NA[k], e.NB[k], e.NC[k]})
		}
		extra := append(append(append(append([]frontend.Variable{}, e.Flags[:]...), e.NA[:]...), e.NB[:]...), e.NC[:]...)
		b.toBus(used, op, e.A, e.B, e.C, extra...)
	}
	b.committed = append(b.committed, b.c.BitCounts...)
}

// SpliceEntry is one row of the splice table: one memory word of an
// unaligned MSTORE or MLOAD at offset off, J = off mod 32, t = 2^(256-8J).
// Its tuple on the bus is (op, O, V, C, Old, New, J), the row's R0, R1,
// W0 and the word's old and new value.
//
//	store, first word:  New = Old - (Old mod t) + (V >> 8J)     off = O
//	store, second word: New = (V << (256-8J)) + (Old mod t)     off = O
//	load, first row:    C = Old << 8J (mod 2^256)               off = O
//	load, second row:   C = V + (Old >> (256-8J))               off = O
//	MSTORE8:            New = Old - (B << s) + ((V mod 256) << s), s = 8(31-J)
//
// A0 = Old mod t, the shifted value R, and for MSTORE8 the old byte B =
// BYTE(J, Old), V8 = V mod 256, and BS = B << s come from the
// multiplication table, through the ALU bus.
type SpliceEntry struct {
	Flags           [spliceLast - spliceFirst + 1]frontend.Variable
	O, V, C         Word
	Old, New, A0, R Word
	B, V8, BS       Word // MSTORE8
	// off.Lo = J + 32·Q.
	J, Q frontend.Variable
}

// spliceTable constrains the splice table.
func (b *builder) spliceTable() {
	api := b.api
	tHi, tLo := logderivlookup.New(api), logderivlookup.New(api)
	for j := 1; j < 32; j++ {
		t := new(big.Int).Lsh(big.NewInt(1), uint(256-8*j))
		tHi.Insert(new(big.Int).Rsh(t, 128))
		tLo.Insert(new(big.Int).And(t, max128))
	}
	for i := range b.c.Splice {
		e := &b.c.Splice[i]
		used, op := b.oneHot(e.Flags[:], spliceFirst)
		sLo, sHi, lLo, lHi, s8 := e.Flags[0], e.Flags[1], e.Flags[2], e.Flags[3], e.Flags[4]
		stores := api.Add(sLo, sHi)
		// J = off mod 32, 1 <= J <= 31 for a used entry.
		off := e.O
		b.rc.Check(e.J, 5)
		b.rc.Check(e.Q, 123)
		api.AssertIsEqual(off.Lo, api.Add(e.J, api.Mul(e.Q, 32)))
		api.AssertIsEqual(api.Mul(used, off.Hi), 0)
		jIdx := api.Mul(api.Sub(used, s8), api.Sub(e.J, 1)) // MSTORE8 may have J = 0
		t := Word{Hi: tHi.Lookup(jIdx)[0], Lo: tLo.Lookup(jIdx)[0]}
		// A0 = Old mod t (stores); R = the shifted V (stores) or Old (loads).
		j8 := api.Mul(e.J, 8)
		byJ, byRest := api.Add(sLo, lLo), api.Add(sHi, lHi) // shift by 8J, or by 256-8J
		s8shift := api.Sub(248, j8)                         // MSTORE8: the byte's place, 8(31-J)
		shift := api.Add(api.Mul(byJ, j8), api.Mul(byRest, api.Sub(256, j8)), api.Mul(s8, s8shift))
		shiftOp := api.Add(api.Mul(api.Add(sLo, lHi), aluShr), api.Mul(api.Add(sHi, lLo, s8), aluShl))
		// The shifted source: V for stores, Old for loads, V mod 256 for MSTORE8.
		loads := api.Add(lLo, lHi)
		src := Word{Hi: api.Add(e.V.Hi, api.Mul(loads, api.Sub(e.Old.Hi, e.V.Hi)), api.Mul(s8, api.Sub(e.V8.Hi, e.V.Hi))),
			Lo: api.Add(e.V.Lo, api.Mul(loads, api.Sub(e.Old.Lo, e.V.Lo)), api.Mul(s8, api.Sub(e.V8.Lo, e.V.Lo)))}
		// MSTORE8: B = BYTE(J, Old), V8 = V mod 256, BS = B << 8(31-J).
		b.aluRows = append(b.aluRows,
			aluTuple{enable: s8, op: aluByte, a: newCombo(0, e.J), b: newCombo(e.Old.Hi, e.Old.Lo), c: newCombo(e.B.Hi, e.B.Lo)},
			aluTuple{enable: s8, op: aluMod, a: newCombo(e.V.Hi, e.V.Lo), b: newCombo(0, 256), c: newCombo(e.V8.Hi, e.V8.Lo)},
			aluTuple{enable: s8, op: aluShl, a: newCombo(0, s8shift), b: newCombo(e.B.Hi, e.B.Lo), c: newCombo(e.BS.Hi, e.BS.Lo)})
		b.gatedWord(s8, e.New, Word{Hi: api.Add(api.Sub(e.Old.Hi, e.BS.Hi), e.R.Hi), Lo: api.Add(api.Sub(e.Old.Lo, e.BS.Lo), e.R.Lo)})
		b.aluRows = append(b.aluRows,
			aluTuple{enable: stores, op: aluMod, a: newCombo(e.Old.Hi, e.Old.Lo), b: newCombo(t.Hi, t.Lo), c: newCombo(e.A0.Hi, e.A0.Lo)},
			aluTuple{enable: used, op: shiftOp, a: newCombo(0, shift), b: newCombo(src.Hi, src.Lo), c: newCombo(e.R.Hi, e.R.Lo)})
		// The bits of A0 and R, or O and R, do not overlap: no carries.
		b.gatedWord(sLo, e.New, Word{Hi: api.Add(api.Sub(e.Old.Hi, e.A0.Hi), e.R.Hi), Lo: api.Add(api.Sub(e.Old.Lo, e.A0.Lo), e.R.Lo)})
		b.gatedWord(sHi, e.New, Word{Hi: api.Add(e.R.Hi, e.A0.Hi), Lo: api.Add(e.R.Lo, e.A0.Lo)})
		b.gatedWord(lLo, e.C, e.R)
		b.gatedWord(lHi, e.C, Word{Hi: api.Add(e.V.Hi, e.R.Hi), Lo: api.Add(e.V.Lo, e.R.Lo)})
		b.aluTable = append(b.aluTable, aluTuple{enable: used, op: op,
			a: newCombo(e.O.Hi, e.O.Lo), b: newCombo(e.V.Hi, e.V.Lo), c: newCombo(e.C.Hi, e.C.Lo),
			d: newCombo(e.Old.Hi, e.Old.Lo), e: newCombo(e.New.Hi, e.New.Lo), j: e.J})
		b.committed = append(b.committed, e.Flags[:]...)
		b.committed = append(b.committed, e.O.Hi, e.O.Lo, e.V.Hi, e.V.Lo, e.C.Hi, e.C.Lo, e.Old.Hi, e.Old.Lo,
			e.New.Hi, e.New.Lo, e.A0.Hi, e.A0.Lo, e.R.Hi, e.R.Lo, e.B.Hi, e.B.Lo, e.V8.Hi, e.V8.Lo, e.BS.Hi, e.BS.Lo, e.J, e.Q)
	}
}

// ExpEntry is one row of the exponentiation table, which proves EXP by
// square-and-multiply over the exponent's bits, as a chain of states
// (C, P, E, Acc): C the claimed result, P the current power of the base,
// E the exponent bits left, Acc the product so far.
//
//	head: takes the ALU tuple (EXP, a, e, C), starts (C, a, e, 1)
//	step: takes (C, P, E, Acc), gives (C, P², E >> 1, Acc·P if E is odd)
//	tail: takes (C, P, 0, Acc) with Acc = C
//
// The products come from the multiplication table through the ALU bus.
type ExpEntry struct {
	Flags         [3]frontend.Variable // head, step, tail
	C, P, E, Acc  Word
	P2, AccP      Word
	Bit, HB, Half frontend.Variable // E.Lo = 2·Half + Bit, E.Hi = 2·E2Hi + HB
	E2Hi          frontend.Variable
}

// expTable constrains the exponentiation table.
func (b *builder) expTable() {
	api := b.api
	for i := range b.c.Exp {
		e := &b.c.Exp[i]
		for _, f := range e.Flags {
			api.AssertIsBoolean(f)
		}
		head, step, tail := e.Flags[0], e.Flags[1], e.Flags[2]
		api.AssertIsBoolean(api.Add(head, step, tail))
		// E >> 1 and its low bit.
		api.AssertIsBoolean(e.Bit)
		api.AssertIsBoolean(e.HB)
		b.rc.Check(e.Half, 127)
		b.rc.Check(e.E2Hi, 127)
		api.AssertIsEqual(e.E.Lo, api.Add(api.Mul(e.Half, 2), e.Bit))
		api.AssertIsEqual(e.E.Hi, api.Add(api.Mul(e.E2Hi, 2), e.HB))
		e2 := Word{Hi: e.E2Hi, Lo: api.Add(e.Half, api.Mul(e.HB, two127))}
		acc2 := Word{Hi: api.Add(e.Acc.Hi, api.Mul(e.Bit, api.Sub(e.AccP.Hi, e.Acc.Hi))), Lo: api.Add(e.Acc.Lo, api.Mul(e.Bit, api.Sub(e.AccP.Lo, e.Acc.Lo)))}
		// P² and Acc·P from the multiplication table.
		b.aluRows = append(b.aluRows,
			aluTuple{enable: step, op: aluMul, a: newCombo(e.P.Hi, e.P.Lo), b: newCombo(e.P.Hi, e.P.Lo), c: newCombo(e.P2.Hi, e.P2.Lo)},
			aluTuple{enable: api.Mul(step, e.Bit), op: aluMul, a: newCombo(e.Acc.Hi, e.Acc.Lo), b: newCombo(e.P.Hi, e.P.Lo), c: newCombo(e.AccP.Hi, e.AccP.Lo)})
		// The head takes the EXP row's tuple (base P, exponent E, result C).
		b.aluTable = append(b.aluTable, aluTuple{enable: head, op: aluExp,
			a: newCombo(e.P.Hi, e.P.Lo), b: newCombo(e.E.Hi, e.E.Lo), c: newCombo(e.C.Hi, e.C.Lo)})
		// The chain of states.
		state := func(p, ex, acc Word) [4]*combo {
			return [4]*combo{newCombo(e.C.Hi, e.C.Lo), newCombo(p.Hi, p.Lo), newCombo(ex.Hi, ex.Lo), newCombo(acc.Hi, acc.Lo)}
		}
		b.expGiven = append(b.expGiven, expLink{head, state(e.P, e.E, Word{0, 1})}, expLink{step, state(e.P2, e2, acc2)})
		b.expTaken = append(b.expTaken, expLink{api.Add(step, tail), state(e.P, e.E, e.Acc)})
		// The tail ends the chain: no bits left, the product is the result.
		b.gatedWord(tail, e.E, Word{0, 0})
		b.gatedWord(tail, e.Acc, e.C)
		b.committed = append(b.committed, e.Flags[:]...)
		b.committed = append(b.committed, e.C.Hi, e.C.Lo, e.P.Hi, e.P.Lo, e.E.Hi, e.E.Lo, e.Acc.Hi, e.Acc.Lo,
			e.P2.Hi, e.P2.Lo, e.AccP.Hi, e.AccP.Lo, e.Bit, e.HB, e.Half, e.E2Hi)
	}
}

// expLink is one state of an exponentiation chain, given or taken.
type expLink struct {
	enable frontend.Variable
	state  [4]*combo
}

// ModEntry is one row of the modulo table: it joins the two rows of an
// ADDMOD or MULMOD (they carry the same link L, the first row's index) and
// proves R = P mod N (0 if N = 0) for P = A + B or A·B as a 512-bit number
// (Phi, Plo): K = Phi mod N, then R = (K·2^256 + Plo) mod N, both from the
// multiplication table.
type ModEntry struct {
	Flags          [2]frontend.Variable // ADDMOD, MULMOD
	A, B, N, R     Word
	Plo, Phi, K, Q Word              // Q: the remainder before N = 0 is taken into account
	C1, C2         frontend.Variable // ADDMOD's carries
	L              frontend.Variable
}

// modTable constrains the modulo table.
func (b *builder) modTable() {
	api := b.api
	zero := newCombo(0, 0)
	for i := range b.c.Mod {
		e := &b.c.Mod[i]
		used, _ := b.oneHot(e.Flags[:], 0)
		isAdd, isMul := e.Flags[0], e.Flags[1]
		opA := api.Add(api.Mul(isAdd, aluAddmodA), api.Mul(isMul, aluMulmodA))
		opB := api.Add(api.Mul(isAdd, aluAddmodB), api.Mul(isMul, aluMulmodB))
		b.aluTable = append(b.aluTable,
			aluTuple{enable: used, op: opA, a: newCombo(e.A.Hi, e.A.Lo), b: newCombo(e.B.Hi, e.B.Lo), c: zero, d: zero, e: zero, j: e.L},
			aluTuple{enable: used, op: opB, a: newCombo(e.N.Hi, e.N.Lo), b: zero, c: newCombo(e.R.Hi, e.R.Lo), d: zero, e: zero, j: e.L})
		// P = A + B (with its carry as the high word) or A·B.
		api.AssertIsBoolean(e.C1)
		api.AssertIsBoolean(e.C2)
		b.rc.Check(e.Plo.Hi, 128)
		b.rc.Check(e.Plo.Lo, 128)
		b.assertGatedEqual(isAdd, api.Add(e.A.Lo, e.B.Lo), api.Add(e.Plo.Lo, api.Mul(e.C1, two128)))
		b.assertGatedEqual(isAdd, api.Add(e.A.Hi, e.B.Hi, e.C1), api.Add(e.Plo.Hi, api.Mul(e.C2, two128)))
		b.gatedWord(isAdd, e.Phi, Word{0, e.C2})
		b.aluRows = append(b.aluRows,
			aluTuple{enable: isMul, op: aluMul, a: newCombo(e.A.Hi, e.A.Lo), b: newCombo(e.B.Hi, e.B.Lo), c: newCombo(e.Plo.Hi, e.Plo.Lo)},
			aluTuple{enable: isMul, op: aluMulhi, a: newCombo(e.A.Hi, e.A.Lo), b: newCombo(e.B.Hi, e.B.Lo), c: newCombo(e.Phi.Hi, e.Phi.Lo)})
		// R = P mod N when N != 0.
		nz := api.Sub(1, api.IsZero(api.Add(e.N.Hi, e.N.Lo)))
		reduce := api.Mul(used, nz)
		b.aluRows = append(b.aluRows,
			aluTuple{enable: reduce, op: aluMod, a: newCombo(e.Phi.Hi, e.Phi.Lo), b: newCombo(e.N.Hi, e.N.Lo), c: newCombo(e.K.Hi, e.K.Lo)},
			aluTuple{enable: reduce, op: aluDivwide, a: newCombo(e.Plo.Hi, e.Plo.Lo), b: newCombo(e.N.Hi, e.N.Lo), c: newCombo(e.Q.Hi, e.Q.Lo),
				gate: 1, d: newCombo(e.K.Hi, e.K.Lo), e: zero, j: 0})
		b.gatedWord(used, e.R, Word{Hi: api.Mul(nz, e.Q.Hi), Lo: api.Mul(nz, e.Q.Lo)})
		b.committed = append(b.committed, e.Flags[:]...)
		b.committed = append(b.committed, e.A.Hi, e.A.Lo, e.B.Hi, e.B.Lo, e.N.Hi, e.N.Lo, e.R.Hi, e.R.Lo,
			e.Plo.Hi, e.Plo.Lo, e.Phi.Hi, e.Phi.Lo, e.K.Hi, e.K.Lo, e.Q.Hi, e.Q.Lo, e.C1, e.C2, e.L)
	}
}
