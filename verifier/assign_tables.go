package verifier

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/holiman/uint256"
)

// aluTables collects the table entries of a trace's ALU steps.
type aluTables struct {
	adds    []AddEntry
	muls    []MulEntry
	bits    []BitEntry
	counts  []int
	splices []SpliceEntry
	exps    []ExpEntry
	mods    []ModEntry
	copies  []CopyEntry
	keccaks []KeccakEntry
	logs    []LogEntry
	calls   []CallEntry
	mcopies []McopyEntry
	rdcs    []RdcEntry
	reads   []StateEntry
}

// add records the entry proving out = op(x, y).
func (tb *aluTables) add(op int, x, y, out *uint256.Int) {
	switch {
	case op >= addFirst && op <= addLast:
		tb.adds = append(tb.adds, addEntry(op, x, y, out))
	case op >= mulFirst && op <= mulLast:
		tb.muls = append(tb.muls, mulEntry(op, x, y, out))
	case op == aluExp:
		tb.exp(x, y, out)
	default:
		if tb.counts == nil {
			tb.counts = make([]int, len(bitTable))
		}
		tb.bits = append(tb.bits, bitEntry(op, x, y, out, tb.counts))
	}
}

// fill places the entries in the circuit, padding each table.
func (tb *aluTables) fill(c *FrameWitness, s Shape) error {
	switch {
	case len(tb.adds) > s.Add:
		return fmt.Errorf("%w: %d addition-table steps, shape has %d", ErrCapacity, len(tb.adds), s.Add)
	case len(tb.muls) > s.Mul:
		return fmt.Errorf("%w: %d multiplication-table steps, shape has %d", ErrCapacity, len(tb.muls), s.Mul)
	case len(tb.bits) > s.Bit:
		return fmt.Errorf("%w: %d bitwise-table steps, shape has %d", ErrCapacity, len(tb.bits), s.Bit)
	case len(tb.mods) > s.Mod:
		return fmt.Errorf("%w: %d ADDMOD/MULMOD steps, shape has %d", ErrCapacity, len(tb.mods), s.Mod)
	case len(tb.exps) > s.Exp:
		return fmt.Errorf("%w: %d exponentiation steps, shape has %d", ErrCapacity, len(tb.exps), s.Exp)
	case len(tb.copies) > s.Copy:
		return fmt.Errorf("%w: %d copied memory words, shape has %d", ErrCapacity, len(tb.copies), s.Copy)
	case len(tb.logs) > s.Logs:
		return fmt.Errorf("%w: %d logs, shape has %d", ErrCapacity, len(tb.logs), s.Logs)
	case len(tb.reads) > s.Reads:
		return fmt.Errorf("%w: %d state reads, shape has %d", ErrCapacity, len(tb.reads), s.Reads)
	case len(tb.rdcs) > s.Rdc:
		return fmt.Errorf("%w: %d RETURNDATACOPY steps, shape has %d", ErrCapacity, len(tb.rdcs), s.Rdc)
	case len(tb.mcopies) > s.Mcopy:
		return fmt.Errorf("%w: %d MCOPY steps, shape has %d", ErrCapacity, len(tb.mcopies), s.Mcopy)
	case len(tb.calls) > s.Calls:
		return fmt.Errorf("%w: %d calls, shape has %d", ErrCapacity, len(tb.calls), s.Calls)
	case len(tb.splices) > s.Splice:
		return fmt.Errorf("%w: %d unaligned-store words, shape has %d", ErrCapacity, len(tb.splices), s.Splice)
	}
	for i := range c.Copy {
		c.Copy[i] = unusedCopy()
		if i < len(tb.copies) {
			c.Copy[i] = tb.copies[i]
		}
	}
	for i := range c.Reads {
		c.Reads[i] = newReadEntry()
		if i < len(tb.reads) {
			c.Reads[i] = tb.reads[i]
		}
	}
	for i := range c.Rdc {
		c.Rdc[i] = newRdcEntry(s)
		if i < len(tb.rdcs) {
			c.Rdc[i] = tb.rdcs[i]
		}
	}
	for i := range c.Mcopy {
		c.Mcopy[i] = newMcopyEntry(s)
		if i < len(tb.mcopies) {
			c.Mcopy[i] = tb.mcopies[i]
		}
	}
	for i := range c.Calls {
		c.Calls[i] = newCallEntry(s)
		if i < len(tb.calls) {
			c.Calls[i] = tb.calls[i]
		}
	}
	for i := range c.Logs {
		c.Logs[i] = newLogEntry(s)
		if i < len(tb.logs) {
			c.Logs[i] = tb.logs[i]
		}
	}
	short, long, err := placeKeccaks(s, tb.keccaks)
	if err != nil {
		return err
	}
	for i := range c.Keccak {
		c.Keccak[i] = newKeccakEntry(1)
		if i < len(short) {
			c.Keccak[i] = short[i]
		}
	}
	for i := range c.KeccakHashes {
		c.KeccakHashes[i] = Word{Hi: 0, Lo: 0}
		if i < len(short) {
			c.KeccakHashes[i] = word(&short[i].hash)
		}
	}
	for i := range c.KeccakLong {
		c.KeccakLong[i] = newKeccakEntry(s.KeccakBlocks)
		if i < len(long) {
			c.KeccakLong[i] = long[i]
		}
	}
	for i := range c.KeccakLongHashes {
		c.KeccakLongHashes[i] = Word{Hi: 0, Lo: 0}
		if i < len(long) {
			c.KeccakLongHashes[i] = word(&long[i].hash)
		}
	}
	for i := range c.Splice {
		if i < len(tb.splices) {
			c.Splice[i] = tb.splices[i]
		} else {
			c.Splice[i] = unusedSplice()
		}
	}
	if tb.counts == nil {
		tb.counts = make([]int, len(bitTable))
	}
	for i := range c.Add {
		if i < len(tb.adds) {
			c.Add[i] = tb.adds[i]
		} else {
			c.Add[i] = addEntry(0, new(uint256.Int), new(uint256.Int), new(uint256.Int))
		}
	}
	for i := range c.Mul {
		if i < len(tb.muls) {
			c.Mul[i] = tb.muls[i]
		} else {
			c.Mul[i] = mulEntry(0, new(uint256.Int), new(uint256.Int), new(uint256.Int))
		}
	}
	for i := range c.Bit {
		if i < len(tb.bits) {
			c.Bit[i] = tb.bits[i]
		} else {
			c.Bit[i] = bitEntry(0, new(uint256.Int), new(uint256.Int), new(uint256.Int), tb.counts)
		}
	}
	for i := range c.Exp {
		if i < len(tb.exps) {
			c.Exp[i] = tb.exps[i]
		} else {
			c.Exp[i] = expEntry(0, new(uint256.Int), new(uint256.Int), new(uint256.Int), new(uint256.Int))
		}
	}
	for i := range c.Mod {
		if i < len(tb.mods) {
			c.Mod[i] = tb.mods[i]
		} else {
			c.Mod[i] = ModEntry{A: zeroWord(), B: zeroWord(), N: zeroWord(), R: zeroWord(), Plo: zeroWord(), Phi: zeroWord(),
				K: zeroWord(), Q: zeroWord(), C1: 0, C2: 0, L: 0}
			zeros(c.Mod[i].Flags[:])
		}
	}
	for k := range c.BitCounts {
		c.BitCounts[k] = tb.counts[k]
	}
	return nil
}

func zeros(vs []frontend.Variable) {
	for i := range vs {
		vs[i] = 0
	}
}

func big64(v *uint256.Int, k int) *big.Int { return new(big.Int).SetUint64(v[k]) }

// addEntry fills an addition-table entry for out = op(x, y); op 0 is an
// unused entry.
func addEntry(op int, x, y, out *uint256.Int) AddEntry {
	var e AddEntry
	zeros(e.Flags[:])
	if op != 0 {
		e.Flags[op-addFirst] = 1
	}
	e.A, e.B, e.C = word(x), word(y), word(out)
	e.SA, e.SB = int(x[3]>>63), int(y[3]>>63)
	signBit := new(uint256.Int).Lsh(uint256.NewInt(1), 255)
	// P + B' + cin = A' + K·2^256.
	var p, a, b uint256.Int
	a, b = *x, *y
	cin := uint64(0)
	switch op {
	case aluAdd:
		p = *out
		b.Not(y)
		cin = 1
	case aluSub:
		p = *out
	case aluSlt, aluSgt:
		a.Xor(x, signBit)
		b.Xor(y, signBit)
		p.Sub(&a, &b)
	default: // LT, GT, EQ, and idle for ISZERO, NOT, unused
		p.Sub(x, y)
	}
	e.P = word(&p)
	sum := new(big.Int).Add(p.ToBig(), b.ToBig())
	sum.Add(sum, new(big.Int).SetUint64(cin))
	e.K = new(big.Int).Rsh(sum, 256)
	lo := new(big.Int).Add(new(big.Int).SetBytes(bytesLo(&p)), new(big.Int).SetBytes(bytesLo(&b)))
	lo.Add(lo, new(big.Int).SetUint64(cin))
	e.Kmid = new(big.Int).Rsh(lo, 128)
	return e
}

// mulBase fills what a multiplication-table entry for out = op(x, y)
// reads from its operands: flags, words, the shift split and sign bits.
func mulBase(op int, x, y, out *uint256.Int) MulEntry {
	var e MulEntry
	zeros(e.Flags[:])
	if op != 0 {
		e.Flags[op-mulFirst] = 1
	}
	e.A, e.B, e.C = word(x), word(y), word(out)
	e.A5, e.A3 = x[0]&31, (x[0]>>5)&7
	e.ARest = new(big.Int).Rsh(new(big.Int).SetBytes(bytesLo(x)), 8)
	e.SA, e.SB = x[3]>>63, y[3]>>63
	e.CA, e.CB, e.N1, e.N2 = 0, 0, 0, 0
	return e
}

// mulEntry fills a multiplication-table entry for out = op(x, y).
func mulEntry(op int, x, y, out *uint256.Int) MulEntry {
	e := mulBase(op, x, y, out)
	// The power of two the operation multiplies or divides by (0 past the
	// operation's range).
	var pow2 uint256.Int
	switch {
	case (op == aluShl || op == aluShr || op == aluSar) && x.LtUint64(256):
		pow2.Lsh(uint256.NewInt(1), uint(x.Uint64()))
	case op == aluByte && x.LtUint64(32):
		pow2.Lsh(uint256.NewInt(1), uint(248-8*x.Uint64()))
	case op == aluSignext && x.LtUint64(31):
		pow2.Lsh(uint256.NewInt(1), uint(8*x.Uint64()+7))
	}
	// divide sets X = n / d and Z = n mod d (X = 0, Z = n when d = 0).
	var X, Y, Z uint256.Int
	divide := func(n, d *uint256.Int) {
		Y = *d
		if d.IsZero() {
			X, Z = uint256.Int{}, *n
			return
		}
		X.Div(n, d)
		Z.Mod(n, d)
	}
	switch op {
	case aluMul, aluMulhi:
		X, Y = *x, *y
	case aluShl:
		X, Y = *y, pow2
	case aluDiv, aluMod:
		divide(x, y)
	case aluShr, aluByte, aluSignext:
		divide(y, &pow2)
	case aluSar:
		var bs uint256.Int
		if e.SB == uint64(1) {
			bs.Not(y)
		} else {
			bs = *y
		}
		divide(&bs, &pow2)
	case aluSdiv, aluSmod:
		absA, ca := absolute(x)
		absB, cb := absolute(y)
		e.CA, e.CB = ca, cb
		divide(&absA, &absB)
		// The result before its sign: quotient, or remainder (0 when B = 0).
		var src uint256.Int
		if op == aluSdiv {
			src = X
		} else if !absB.IsZero() {
			src = Z
		}
		neg := (op == aluSdiv && x[3]>>63 != y[3]>>63) || (op == aluSmod && x[3]>>63 == 1)
		if neg {
			// out + src = N2·2^256, low-limb carry N1.
			lo := new(big.Int).Add(new(big.Int).SetBytes(bytesLo(out)), new(big.Int).SetBytes(bytesLo(&src)))
			e.N1 = new(big.Int).Rsh(lo, 128)
			sum := new(big.Int).Add(out.ToBig(), src.ToBig())
			e.N2 = new(big.Int).Rsh(sum, 256)
		}
	}
	divLike := op >= aluDiv && op <= aluDivwide && op != aluShl && op != aluMulhi
	fillProduct(&e, &X, &Y, &Z, divLike)
	return e
}

// fillProduct fills the gadget X·Y + Z = W + V·2^256 of an entry: the
// 64-bit limbs of X and Y, Z, W and V, the column carries, the quotient's
// low-byte split, and for a division (Y != 0) the gap Y - Z - 1.
func fillProduct(e *MulEntry, X, Y, Z *uint256.Int, division bool) {
	e.XRest, e.SBit, e.X7 = X[0]>>8, X[0]&1, (X[0]>>1)&0x7f
	prod := new(big.Int).Mul(X.ToBig(), Y.ToBig())
	prod.Add(prod, Z.ToBig())
	mask256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	e.Z = word(Z)
	e.W = bigWord(new(big.Int).And(prod, mask256))
	e.V = bigWord(new(big.Int).Rsh(prod, 256))
	xs, ys := [4]*big.Int{}, [4]*big.Int{}
	for k := range 4 {
		e.X[k], e.Y[k] = big64(X, k), big64(Y, k)
		xs[k], ys[k] = big64(X, k), big64(Y, k)
	}
	// Column carries.
	col := func(pairs [][2]int, oddPairs [][2]int) *big.Int {
		s := new(big.Int)
		for _, pr := range pairs {
			s.Add(s, new(big.Int).Mul(xs[pr[0]], ys[pr[1]]))
		}
		o := new(big.Int)
		for _, pr := range oddPairs {
			o.Add(o, new(big.Int).Mul(xs[pr[0]], ys[pr[1]]))
		}
		return s.Add(s, o.Lsh(o, 64))
	}
	zw, ww, vw := e.Z, e.W, e.V
	c0 := col([][2]int{{0, 0}}, [][2]int{{0, 1}, {1, 0}})
	c0.Add(c0, zw.Lo.(*big.Int))
	carry0 := new(big.Int).Rsh(new(big.Int).Sub(c0, ww.Lo.(*big.Int)), 128)
	c1 := col([][2]int{{0, 2}, {1, 1}, {2, 0}}, [][2]int{{0, 3}, {1, 2}, {2, 1}, {3, 0}})
	c1.Add(c1, zw.Hi.(*big.Int))
	c1.Add(c1, carry0)
	carry1 := new(big.Int).Rsh(new(big.Int).Sub(c1, ww.Hi.(*big.Int)), 128)
	c2 := col([][2]int{{1, 3}, {2, 2}, {3, 1}}, [][2]int{{2, 3}, {3, 2}})
	c2.Add(c2, carry1)
	carry2 := new(big.Int).Rsh(new(big.Int).Sub(c2, vw.Lo.(*big.Int)), 128)
	e.Carry = [3]frontend.Variable{carry0, carry1, carry2}
	// Gap = Y - Z - 1 when Z < Y.
	e.Gap, e.GapBorrow = Word{0, 0}, 0
	if division && !Y.IsZero() {
		var gap uint256.Int
		gap.Sub(Y, Z)
		gap.SubUint64(&gap, 1)
		e.Gap = word(&gap)
		yl, zl := new(big.Int).SetBytes(bytesLo(Y)), new(big.Int).SetBytes(bytesLo(Z))
		if new(big.Int).Sub(yl, zl).Sign() <= 0 { // Y.Lo - Z.Lo - 1 < 0
			e.GapBorrow = 1
		}
	}
}

// absolute returns |v| for v read as signed, and for negative v the carry
// out of the low limb of |v| + v = 2^256.
func absolute(v *uint256.Int) (uint256.Int, uint64) {
	if v[3]>>63 == 0 {
		return *v, 0
	}
	var a uint256.Int
	a.Neg(v)
	lo := new(big.Int).Add(new(big.Int).SetBytes(bytesLo(&a)), new(big.Int).SetBytes(bytesLo(v)))
	return a, new(big.Int).Rsh(lo, 128).Uint64()
}

func bigWord(v *big.Int) Word {
	return Word{Hi: new(big.Int).Rsh(v, 128), Lo: new(big.Int).And(v, max128)}
}

// bitEntry fills a bitwise-table entry for out = op(x, y) and counts the
// nibble tuples it queries.
func bitEntry(op int, x, y, out *uint256.Int, counts []int) BitEntry {
	var e BitEntry
	zeros(e.Flags[:])
	if op != 0 {
		e.Flags[op-bitFirst] = 1
	}
	e.A, e.B, e.C = word(x), word(y), word(out)
	for k := range 64 {
		a := int(x[k/16]>>(4*(k%16))) & 0xf
		b := int(y[k/16]>>(4*(k%16))) & 0xf
		c := int(out[k/16]>>(4*(k%16))) & 0xf
		e.NA[k], e.NB[k], e.NC[k] = a, b, c
		counts[bitTableIndex(op, a, b)]++
	}
	return e
}

// exp records the chain proving out = base^e: a head, one step per bit of
// e, a tail, and the multiplications of the steps.
func (tb *aluTables) exp(base, e, out *uint256.Int) {
	tb.exps = append(tb.exps, expEntry(1, out, base, e, uint256.NewInt(1)))
	p, rest, acc := *base, *e, *uint256.NewInt(1)
	for !rest.IsZero() {
		s := expEntry(2, out, &p, &rest, &acc)
		tb.exps = append(tb.exps, s)
		var p2, accP uint256.Int
		p2.Mul(&p, &p)
		tb.muls = append(tb.muls, mulEntry(aluMul, &p, &p, &p2))
		if rest[0]&1 == 1 {
			accP.Mul(&acc, &p)
			tb.muls = append(tb.muls, mulEntry(aluMul, &acc, &p, &accP))
			acc = accP
		}
		p = p2
		rest.Rsh(&rest, 1)
	}
	tb.exps = append(tb.exps, expEntry(3, out, &p, &rest, &acc))
}

// expEntry fills an exponentiation-table entry of kind 1 (head), 2 (step)
// or 3 (tail) for state (c, p, e, acc); kind 0 is an unused entry.
func expEntry(kind int, c, p, e, acc *uint256.Int) ExpEntry {
	var x ExpEntry
	zeros(x.Flags[:])
	if kind > 0 {
		x.Flags[kind-1] = 1
	}
	x.C, x.P, x.E, x.Acc = word(c), word(p), word(e), word(acc)
	var p2, accP uint256.Int
	p2.Mul(p, p)
	accP.Mul(acc, p)
	x.P2, x.AccP = word(&p2), word(&accP)
	if kind != 2 || e[0]&1 == 0 {
		x.AccP = word(acc) // no multiplication: Acc stays
	}
	if kind != 2 {
		x.P2 = zeroWord()
	}
	x.Bit, x.HB = e[0]&1, e[2]&1
	x.Half = new(big.Int).Rsh(new(big.Int).SetBytes(bytesLo(e)), 1)
	x.E2Hi = new(big.Int).Rsh(new(big.Int).SetBytes(func() []byte { b := e.Bytes32(); return b[:16] }()), 1)
	return x
}

// divWide fills a multiplication-table entry for out = (k·2^256 + lo) mod n,
// with k < n so the quotient fits 256 bits.
func divWide(lo, n, k, out *uint256.Int) MulEntry {
	e := mulBase(aluDivwide, lo, n, out)
	num := new(big.Int).Add(new(big.Int).Lsh(k.ToBig(), 256), lo.ToBig())
	q := uint256.MustFromBig(new(big.Int).Div(num, n.ToBig()))
	fillProduct(&e, q, n, out, true) // q·n + out = lo + k·2^256
	return e
}

// unusedSplice is a splice-table entry no row uses.
func unusedSplice() SpliceEntry {
	var e SpliceEntry
	zeros(e.Flags[:])
	e.O, e.V, e.C, e.Old, e.New, e.A0, e.R, e.J, e.Q = zeroWord(), zeroWord(), zeroWord(), zeroWord(), zeroWord(), zeroWord(), zeroWord(), 0, 0
	e.B, e.V8, e.BS = zeroWord(), zeroWord(), zeroWord()
	return e
}
