package verifier

import (
	"bytes"
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark-crypto/ecc"
	frbls "github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	poseidonbls "github.com/consensys/gnark-crypto/ecc/bls12-377/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// Assign returns the full witness of the trace for a circuit of shape s,
// and the public commitment. It refuses, naming the opcode and pc, any step
// the circuit cannot prove, and a trace that does not fit the shape.
func Assign(t *trace.Trace, s Shape) (*Circuit, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if err := checkFits(t, s); err != nil {
		return nil, err
	}
	a := &assigner{t: t, s: s, last: map[cellKey]int{}, stack: make([]uint256.Int, s.Stack),
		mem: make([]uint256.Int, s.Memory), sto: map[common.Hash]uint256.Int{}, tsto: map[common.Hash]uint256.Int{},
		tinit: map[common.Hash]uint256.Int{}, rds: make([]uint256.Int, 1)}
	for _, sl := range t.Storage {
		a.sto[sl.Key] = *new(uint256.Int).SetBytes32(sl.Initial[:])
	}
	for _, sl := range t.Transient {
		if sl.Initial != (common.Hash{}) && !s.TransientCarried {
			return nil, fmt.Errorf("%w: transient slot %s starts at %s, left by a frame before this one in its transaction: shape %s starts transient storage at zero", ErrUnsupported, sl.Key, sl.Initial, s.Name())
		}
		a.tinit[sl.Key] = *new(uint256.Int).SetBytes32(sl.Initial[:])
	}
	c, err := a.assign()
	if err != nil {
		return nil, err
	}
	c.Commitment = commitmentOf(witnessElements(&c.FrameWitness, t.Reverted))
	return c, nil
}

// checkFits refuses traces outside the shape or the supported opcodes.
func checkFits(t *trace.Trace, s Shape) error {
	switch {
	case len(t.Steps) == 0:
		return fmt.Errorf("%w: empty trace", ErrExecution)
	case len(t.Steps) > s.Steps:
		return fmt.Errorf("%w: %d steps, shape has %d", ErrCapacity, len(t.Steps), s.Steps)
	case len(t.Code) > s.Code:
		return fmt.Errorf("%w: %d code bytes, shape has %d", ErrCapacity, len(t.Code), s.Code)
	case len(t.Calldata) > s.Calldata:
		return fmt.Errorf("%w: %d calldata bytes, shape has %d", ErrCapacity, len(t.Calldata), s.Calldata)
	case len(t.Storage) > s.Storage:
		return fmt.Errorf("%w: %d storage slots, shape has %d", ErrCapacity, len(t.Storage), s.Storage)
	}
	for _, st := range t.Steps {
		if _, ok := opcodes[st.Op]; !ok {
			return unsupported(st.Op, st.PC)
		}
		if !s.supports(st.Op) {
			return fmt.Errorf("%w: shape %s has no table for it (a larger shape proves it)", unsupported(st.Op, st.PC), s.Name())
		}
		if st.PC >= uint64(s.Code) {
			return fmt.Errorf("%w: pc %d beyond %d code bytes", ErrCapacity, st.PC, s.Code)
		}
		if len(st.Stack) >= s.Stack {
			return fmt.Errorf("%w: stack of %d at pc %d, shape has %d", ErrCapacity, len(st.Stack), st.PC, s.Stack)
		}
	}
	if len(t.Calls) > s.Calls {
		return fmt.Errorf("%w: %d calls, shape has %d", ErrCapacity, len(t.Calls), s.Calls)
	}
	if len(t.Reads) > s.Reads {
		return fmt.Errorf("%w: %d state reads, shape has %d", ErrCapacity, len(t.Reads), s.Reads)
	}
	last := t.Steps[len(t.Steps)-1]
	if !families[opcodes[last.Op].fam].halt {
		return fmt.Errorf("%w: trace ends with %s at pc %d", ErrExecution, last.Op, last.PC)
	}
	return nil
}

type cellKey struct {
	dom  int
	addr uint64
	key  common.Hash
}

type assigner struct {
	t     *trace.Trace
	s     Shape
	last  map[cellKey]int // time of the last access
	stack []uint256.Int
	mem   []uint256.Int
	sto   map[common.Hash]uint256.Int
	tsto  map[common.Hash]uint256.Int // transient storage
	// tinit is each transient slot's value at the start (the trace's;
	// zero where it lists none).
	tinit map[common.Hash]uint256.Int
	rds   []uint256.Int // the return data size cell

	retOff, retLen, retByte uint64
	msz                     uint64 // memory size in words so far
}

func word(v *uint256.Int) Word {
	b := v.Bytes32()
	return Word{Hi: new(big.Int).SetBytes(b[:16]), Lo: new(big.Int).SetBytes(b[16:])}
}

func hashWord(h common.Hash) Word {
	return Word{Hi: new(big.Int).SetBytes(h[:16]), Lo: new(big.Int).SetBytes(h[16:])}
}

func zeroWord() Word { return Word{0, 0} }

func (a *assigner) touch(k cellKey, t int) int {
	prev := a.last[k]
	a.last[k] = t
	return prev
}

func idle(t int) ReadPort { return ReadPort{Hi: 0, Lo: 0, PrevT: t - 1} }

func idleWrite(t int) WritePort {
	return WritePort{Hi: 0, Lo: 0, OldHi: 0, OldLo: 0, PrevT: t - 1}
}

func (a *assigner) readStack(addr, t int) ReadPort {
	w := word(&a.stack[addr])
	return ReadPort{Hi: w.Hi, Lo: w.Lo, PrevT: a.touch(cellKey{dom: domStack, addr: uint64(addr)}, t)}
}

func (a *assigner) writeCell(cells []uint256.Int, dom, addr, t int, v uint256.Int) WritePort {
	old, nw := word(&cells[addr]), word(&v)
	cells[addr] = v
	return WritePort{Hi: nw.Hi, Lo: nw.Lo, OldHi: old.Hi, OldLo: old.Lo, PrevT: a.touch(cellKey{dom: dom, addr: uint64(addr)}, t)}
}

func (a *assigner) assign() (*Circuit, error) {
	s, t := a.s, a.t
	c, err := NewCircuit(s)
	if err != nil {
		return nil, err
	}
	for i := range c.Code {
		c.Code[i] = 0
		if i < len(t.Code) {
			c.Code[i] = int(t.Code[i])
		}
	}
	c.CodeLen = len(t.Code)
	for i := range c.Calldata {
		c.Calldata[i] = 0
		if i < len(t.Calldata) {
			c.Calldata[i] = int(t.Calldata[i])
		}
	}
	c.CalldataLen = len(t.Calldata)
	c.Caller, c.Origin, c.Address = addrWord(t.Caller), addrWord(t.Origin), addrWord(t.Address)
	c.Value = word(&t.Value)
	c.Context = contextWords(&t.Context, &t.Balance)

	var tb aluTables
	ri := 0
	for si := range t.Steps {
		rows, err := a.stepRows(si, ri, &tb)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if ri >= len(c.Rows) {
				return nil, fmt.Errorf("%w: more than %d rows (unaligned memory accesses, ADDMOD and MULMOD take two, a copy one per word)", ErrCapacity, len(c.Rows))
			}
			// The memory size before the row, then what the row touches.
			r.MSz = a.msz
			if w, ok := touchedWord(&r, s); ok {
				a.msz = max(a.msz, w+1)
			}
			c.Rows[ri] = r
			ri++
		}
	}
	for ; ri < len(c.Rows); ri++ {
		c.Rows[ri] = a.idleRow(ri)
		c.Rows[ri].MSz = a.msz
	}
	for addr := range c.StackEnd {
		w := word(&a.stack[addr])
		c.StackEnd[addr] = Cell{Hi: w.Hi, Lo: w.Lo, T: a.last[cellKey{dom: domStack, addr: uint64(addr)}]}
	}
	for addr := range c.MemEnd {
		w := word(&a.mem[addr])
		c.MemEnd[addr] = Cell{Hi: w.Hi, Lo: w.Lo, T: a.last[cellKey{dom: domMem, addr: uint64(addr)}]}
	}
	for j := range c.Storage {
		if j >= len(t.Storage) {
			c.Storage[j] = Slot{0, 0, 0, 0, 0, 0, 0, 0}
			continue
		}
		sl := t.Storage[j]
		k, in, fin := hashWord(sl.Key), hashWord(sl.Initial), a.sto[sl.Key]
		fw := word(&fin)
		if common.Hash(fin.Bytes32()) != sl.Final {
			return nil, fmt.Errorf("%w: storage slot %s ends %x, go-ethereum says %s", ErrExecution, sl.Key, fin.Bytes32(), sl.Final)
		}
		c.Storage[j] = Slot{Used: 1, KeyHi: k.Hi, KeyLo: k.Lo, InitHi: in.Hi, InitLo: in.Lo, FinalHi: fw.Hi, FinalLo: fw.Lo,
			FinalTime: a.last[cellKey{dom: domSto, key: sl.Key}]}
	}
	rw := word(&a.rds[0])
	c.RetSizeEnd = Cell{Hi: rw.Hi, Lo: rw.Lo, T: a.last[cellKey{dom: domRetSize}]}
	if len(tb.calls) != len(t.Calls) {
		return nil, fmt.Errorf("%w: the trace lists %d calls, the steps make %d", ErrExecution, len(t.Calls), len(tb.calls))
	}
	if len(tb.reads) != len(t.Reads) {
		return nil, fmt.Errorf("%w: the trace lists %d state reads, the steps make %d", ErrExecution, len(t.Reads), len(tb.reads))
	}
	keys := make([]common.Hash, 0, len(a.tsto))
	for k := range a.tsto {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y common.Hash) int { return bytes.Compare(x[:], y[:]) })
	for j := range c.Transient {
		c.Transient[j] = Slot{0, 0, 0, 0, 0, 0, 0, 0}
		if j < len(keys) {
			k, fin, init := hashWord(keys[j]), a.tsto[keys[j]], a.tinit[keys[j]]
			fw, iw := word(&fin), word(&init)
			c.Transient[j] = Slot{Used: 1, KeyHi: k.Hi, KeyLo: k.Lo, InitHi: iw.Hi, InitLo: iw.Lo, FinalHi: fw.Hi, FinalLo: fw.Lo,
				FinalTime: a.last[cellKey{dom: domTransient, key: keys[j]}]}
		}
	}
	full, rem := a.retLen/32, a.retLen%32
	c.RetOff, c.RetByte, c.RetLen, c.RetFull, c.RetRem = a.retOff, a.retByte, a.retLen, full, rem
	if (a.retLen+31)/32 > uint64(s.Return) {
		return nil, fmt.Errorf("%w: %d bytes of return data, shape has %d words", ErrCapacity, a.retLen, s.Return)
	}
	// The returned words: 32 bytes of memory from each word's offset.
	wordAt := func(j uint64) uint256.Int {
		var both [64]byte
		w0 := a.mem[a.retOff+j].Bytes32()
		copy(both[:32], w0[:])
		if a.retOff+j+1 < uint64(len(a.mem)) {
			w1 := a.mem[a.retOff+j+1].Bytes32()
			copy(both[32:], w1[:])
		}
		return *new(uint256.Int).SetBytes32(both[a.retByte : a.retByte+32])
	}
	for j := range c.RetShl {
		c.RetShl[j], c.RetShr[j] = zeroWord(), zeroWord()
		if uint64(j) < (a.retLen+31)/32 {
			m0, m1 := a.mem[a.retOff+uint64(j)], a.mem[a.retOff+uint64(j)+1]
			var shl, shr uint256.Int
			shl.Lsh(&m0, uint(8*a.retByte))
			shr.Rsh(&m1, uint(256-8*a.retByte))
			c.RetShl[j], c.RetShr[j] = word(&shl), word(&shr)
			tb.muls = append(tb.muls, mulEntry(aluShl, uint256.NewInt(8*a.retByte), &m0, &shl),
				mulEntry(aluShr, uint256.NewInt(256-8*a.retByte), &m1, &shr))
		}
	}
	var part [32]byte
	if rem > 0 {
		w := wordAt(full)
		part = w.Bytes32()
	}
	for k := range c.RetPart {
		c.RetPart[k] = int(part[k])
	}
	ret := make([]byte, 0, 32*(full+1))
	for j := range c.Return {
		c.Return[j] = zeroWord()
		switch {
		case uint64(j) < full:
			v := wordAt(uint64(j))
			c.Return[j] = word(&v)
			b := v.Bytes32()
			ret = append(ret, b[:]...)
		case uint64(j) == full && rem > 0:
			var kept [32]byte
			copy(kept[:rem], part[:rem])
			c.Return[j] = hashWord(common.Hash(kept))
			ret = append(ret, part[:rem]...)
		}
	}
	if err := tb.fill(&c.FrameWitness, s); err != nil {
		return nil, err
	}
	if !bytes.Equal(ret, t.ReturnData) {
		return nil, fmt.Errorf("%w: return data %x, go-ethereum says %x", ErrExecution, ret, t.ReturnData)
	}
	return c, nil
}

func addrWord(addr common.Address) Word {
	return hashWord(common.BytesToHash(addr[:]))
}

// touchedWord is the memory word a row of shape s reads or writes, if any.
func touchedWord(r *Row, s Shape) (uint64, bool) {
	fam := r.family(s)
	switch fam {
	case famMload, famMstore, famMstoreLo, famMstoreHi, famMloadLo, famMloadHi, famMstore8, famCopyMid, famCopyEnd, famKeccakMid, famKeccakEnd, famLogData, famCallData, famCallRet, famMcSrcMid, famMcSrcEnd, famMcDstMid, famMcDstEnd, famRdcMid, famRdcEnd:
	default:
		return 0, false
	}
	off := r.R0.Lo.(*big.Int).Uint64()
	j := r.J.(uint64)
	w := (off - j) / 32
	if fam == famMstoreHi || fam == famMloadHi {
		w++
	}
	if k, ok := r.K.(uint64); ok {
		w += k
	}
	return w, true
}

// family is the family whose flag the row sets (famNone if none).
func (r *Row) family(s Shape) family {
	for col, f := range s.flagColumns() {
		if v, ok := r.Flags[col].(int); ok && v == 1 {
			return f
		}
	}
	return famNone
}

// setFamily sets the row's flag of family f, and clears the others.
func (r *Row) setFamily(s Shape, f family) {
	for col := range r.Flags {
		r.Flags[col] = 0
	}
	if col := s.flagColumn(f); col >= 0 {
		r.Flags[col] = 1
	}
}

// idleRow is an inactive row at index i.
func (a *assigner) idleRow(i int) Row {
	tm := func(port int) int { return portsPerRow*i + port }
	r := Row{Active: 0, PC: 0, Op: 0, SP: 0, Aux: 0, J: uint64(0), K: uint64(0), MSz: 0, Flags: make([]frontend.Variable, len(a.s.flagColumns())),
		R0: idle(tm(portR0)), R1: idle(tm(portR1)), W0: idleWrite(tm(portW0)), W1: SwapWrite{0, 0, 0, 0},
		Data: idleWrite(tm(portData))}
	for f := range r.Flags {
		r.Flags[f] = 0
	}
	return r
}

// stepRows assigns the rows of step si, from row index i: one, or two for
// an unaligned MSTORE.
func (a *assigner) stepRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	if st.Op == vm.MSTORE8 {
		return a.store8(si, i, tb)
	}
	if st.Op == vm.ADDMOD || st.Op == vm.MULMOD {
		return a.modRows(si, i, tb)
	}
	if st.Op == vm.CALLDATACOPY || st.Op == vm.CODECOPY {
		return a.copyRows(si, i, tb)
	}
	if st.Op == vm.KECCAK256 {
		return a.keccakRows(si, i, tb)
	}
	if st.Op >= vm.LOG0 && st.Op <= vm.LOG4 {
		return a.logRows(si, i, tb)
	}
	if st.Op == vm.MCOPY {
		return a.mcopyRows(si, i, tb)
	}
	if st.Op == vm.RETURNDATACOPY {
		return a.rdcRows(si, i, tb)
	}
	if st.Op == vm.CALL || st.Op == vm.STATICCALL || st.Op == vm.DELEGATECALL {
		return a.callRows(si, i, tb)
	}
	if st.Op == vm.MSTORE || st.Op == vm.MLOAD {
		if off := st.Stack[len(st.Stack)-1]; off.IsUint64() && off.Uint64()%32 != 0 {
			if st.Op == vm.MLOAD {
				return a.unalignedLoad(si, i, tb)
			}
			return a.unalignedStore(si, i, tb)
		}
	}
	r, err := a.row(si, i, tb)
	return []Row{r}, err
}

// row assigns step si as main-trace row i.
func (a *assigner) row(si, i int, tb *aluTables) (Row, error) {
	tm := func(port int) int { return portsPerRow*i + port }
	r := a.idleRow(i)
	st := &a.t.Steps[si]
	spec := opcodes[st.Op]
	info := families[spec.fam]
	sp := len(st.Stack)
	var next []uint256.Int
	if si+1 < len(a.t.Steps) {
		next = a.t.Steps[si+1].Stack
	}
	top := func(k int) uint256.Int { return st.Stack[sp-1-k] }
	r.Active, r.PC, r.Op, r.SP, r.Aux = 1, int(st.PC), int(st.Op), sp, spec.aux
	r.setFamily(a.s, spec.fam)

	// Stack reads.
	r0addr, r1addr := sp-1, sp-2
	if spec.fam == famDup {
		r0addr = sp - spec.aux
	}
	if spec.fam == famSwap {
		r1addr = sp - 1 - spec.aux
	}
	if info.r0 {
		r.R0 = a.readStack(r0addr, tm(portR0))
	}
	if info.r1 {
		r.R1 = a.readStack(r1addr, tm(portR1))
	}

	// Memory and storage.
	switch spec.fam {
	case famMload, famMstore:
		off := top(0)
		if !off.IsUint64() || off.Uint64()%32 != 0 {
			return r, fmt.Errorf("%w: %s at pc %d: memory offset %s is not a multiple of 32", ErrUnsupported, st.Op, st.PC, off.Dec())
		}
		if off.Uint64()/32 >= uint64(a.s.Memory) {
			return r, fmt.Errorf("%w: %s at pc %d: memory offset %s beyond %d bytes", ErrCapacity, st.Op, st.PC, off.Dec(), 32*a.s.Memory)
		}
		w := int(off.Uint64() / 32)
		if spec.fam == famMstore {
			r.Data = a.writeCell(a.mem, domMem, w, tm(portData), top(1))
		} else {
			// A load reads what go-ethereum says the word holds.
			if len(next) != sp {
				return r, fmt.Errorf("%w: stack after MLOAD at pc %d", ErrExecution, st.PC)
			}
			v := word(&next[sp-1])
			r.Data = WritePort{Hi: v.Hi, Lo: v.Lo, OldHi: v.Hi, OldLo: v.Lo, PrevT: a.touch(cellKey{dom: domMem, addr: uint64(w)}, tm(portData))}
		}
	case famSload, famSstore, famTload, famTstore:
		// Storage and transient storage: the same rows in two domains.
		k0 := top(0)
		key := common.Hash(k0.Bytes32())
		slots, dom := a.sto, domSto
		transient := spec.fam == famTload || spec.fam == famTstore
		if transient {
			slots, dom = a.tsto, domTransient
			if _, seen := slots[key]; !seen && len(slots) == a.s.Transient {
				return r, fmt.Errorf("%w: %s at pc %d: more than %d transient slots", ErrCapacity, st.Op, st.PC, a.s.Transient)
			}
		}
		old, seen := slots[key]
		if transient && !seen {
			old = a.tinit[key]
		}
		v := old
		if spec.fam == famSstore || spec.fam == famTstore {
			v = top(1)
			slots[key] = v
		} else {
			// A load reads what go-ethereum says the slot holds (a
			// transient one is zero until a TSTORE): the memory argument
			// checks it.
			if len(next) != sp {
				return r, fmt.Errorf("%w: stack after %s at pc %d", ErrExecution, st.Op, st.PC)
			}
			old, v = next[sp-1], next[sp-1]
			if transient && !seen {
				slots[key] = v // listed, with the value it starts at
			}
		}
		o, n := word(&old), word(&v)
		r.Data = WritePort{Hi: n.Hi, Lo: n.Lo, OldHi: o.Hi, OldLo: o.Lo, PrevT: a.touch(cellKey{dom: dom, key: key}, tm(portData))}
	case famRetSize:
		// The size the last call returned (the cell's low limb, its high
		// limb names the call), which go-ethereum pushed.
		v := a.rds[0]
		size := retSizeOf(&v)
		if len(next) != sp+1 || !next[sp].Eq(&size) {
			return r, fmt.Errorf("%w: RETURNDATASIZE at pc %d: go-ethereum pushed otherwise", ErrExecution, st.PC)
		}
		w := word(&v)
		r.Data = WritePort{Hi: w.Hi, Lo: w.Lo, OldHi: w.Hi, OldLo: w.Lo, PrevT: a.touch(cellKey{dom: domRetSize}, tm(portData))}
	case famCalldataload:
		off := top(0)
		if !off.IsUint64() || off.Uint64() >= uint64(a.s.Calldata) {
			return r, fmt.Errorf("%w: CALLDATALOAD at pc %d: offset %s beyond %d calldata bytes", ErrCapacity, st.PC, off.Dec(), a.s.Calldata)
		}
	case famReturn, famRevert:
		off, size := top(0), top(1)
		if !off.IsUint64() || !size.IsUint64() || (off.Uint64()%32 != 0 && !a.s.UnalignedReturn) {
			return r, fmt.Errorf("%w: %s at pc %d: offset %s must be a multiple of 32 in this shape", ErrUnsupported, st.Op, st.PC, off.Dec())
		}
		// Words read: from offset/32 to the word past the end (two words
		// per returned word when unaligned).
		if size.Uint64() > 0 && (off.Uint64()+size.Uint64()+31)/32+1 > uint64(a.s.Memory) {
			return r, fmt.Errorf("%w: %s at pc %d: offset %s and size %s beyond %d bytes of memory", ErrCapacity, st.Op, st.PC, off.Dec(), size.Dec(), 32*a.s.Memory)
		}
		a.retOff, a.retLen, a.retByte = off.Uint64()/32, size.Uint64(), off.Uint64()%32
		if off.Uint64()/32 >= 1<<16 {
			return r, fmt.Errorf("%w: %s at pc %d: offset %s", ErrUnsupported, st.Op, st.PC, off.Dec())
		}
	}

	// Stack writes: the values the next step sees.
	spNext := sp + info.delta
	if spec.fam == famDup {
		spNext = sp + 1
	}
	if info.w0 {
		if len(next) != spNext {
			return r, fmt.Errorf("%w: stack after %s at pc %d has %d items, want %d", ErrExecution, st.Op, st.PC, len(next), spNext)
		}
		r.W0 = a.writeCell(a.stack, domStack, spNext-1, tm(portW0), next[spNext-1])
	}
	if info.w1 {
		p := a.writeCell(a.stack, domStack, r1addr, tm(portW1), next[r1addr])
		r.W1 = SwapWrite{Hi: p.Hi, Lo: p.Lo, OldHi: p.OldHi, OldLo: p.OldLo}
	}

	if spec.fam == famRead {
		return r, a.readRow(&r, si, i, tb)
	}
	if spec.fam != famAlu1 && spec.fam != famAlu2 {
		return r, nil
	}
	x := top(0)
	var y uint256.Int
	if spec.fam == famAlu2 {
		y = top(1)
	}
	tb.add(spec.aux, &x, &y, &next[spNext-1])
	return r, nil
}

func bytesLo(v *uint256.Int) []byte {
	b := v.Bytes32()
	return b[16:]
}

// witnessElements lists the values a witness binds, in the circuit's
// order, as field elements.
func witnessElements(c *FrameWitness, reverted bool) []fr.Element {
	var out []fr.Element
	add := func(vs ...frontend.Variable) {
		for _, v := range vs {
			var e fr.Element
			if _, err := e.SetInterface(v); err != nil {
				panic(fmt.Sprintf("verifier: witness value %v: %v", v, err))
			}
			out = append(out, e)
		}
	}
	packBytes := func(bs []frontend.Variable) {
		for i := 0; i < len(bs); i += 31 {
			var v, b fr.Element
			for j := i; j < min(i+31, len(bs)); j++ {
				if _, err := b.SetInterface(bs[j]); err != nil {
					panic(err)
				}
				v.Mul(&v, new(fr.Element).SetUint64(256))
				v.Add(&v, &b)
			}
			out = append(out, v)
		}
	}
	packBytes(c.Code)
	add(c.CodeLen)
	packBytes(c.Calldata)
	add(c.CalldataLen)
	for _, w := range append([]Word{c.Caller, c.Origin, c.Address, c.Value}, c.Context[:]...) {
		add(w.Hi, w.Lo)
	}
	for _, sl := range c.Storage {
		var keyHi, used fr.Element
		if _, err := keyHi.SetInterface(sl.KeyHi); err != nil {
			panic(err)
		}
		if _, err := used.SetInterface(sl.Used); err != nil {
			panic(err)
		}
		used.Mul(&used, new(fr.Element).SetBigInt(two128))
		keyHi.Add(&keyHi, &used)
		out = append(out, keyHi)
		add(sl.KeyLo, sl.InitHi, sl.InitLo, sl.FinalHi, sl.FinalLo)
	}
	add(c.RetLen)
	for _, w := range c.Return {
		add(w.Hi, w.Lo)
	}
	for _, e := range c.Logs {
		var head, x fr.Element
		for _, v := range []struct {
			v any
			m uint64
		}{{e.Used, 1}, {e.N, 2}, {e.Len, 16}} {
			if _, err := x.SetInterface(v.v); err != nil {
				panic(err)
			}
			x.Mul(&x, new(fr.Element).SetUint64(v.m))
			head.Add(&head, &x)
		}
		out = append(out, head)
		for _, w := range e.Topics {
			add(w.Hi, w.Lo)
		}
		for _, w := range e.Data {
			add(w.Hi, w.Lo)
		}
	}
	for _, e := range c.Calls {
		var head, x fr.Element
		for _, v := range []struct {
			v any
			m uint64
		}{{e.Used, 1}, {e.Static, 2}, {e.Delegate, 4}, {e.Success, 8}, {e.Len, 16}, {e.RetLen, 1 << 32}} {
			if _, err := x.SetInterface(v.v); err != nil {
				panic(err)
			}
			x.Mul(&x, new(fr.Element).SetUint64(v.m))
			head.Add(&head, &x)
		}
		out = append(out, head)
		for _, w := range []Word{e.Gas, e.To, e.Value} {
			add(w.Hi, w.Lo)
		}
		for _, w := range e.Data {
			add(w.Hi, w.Lo)
		}
		for _, w := range e.Ret {
			add(w.Hi, w.Lo)
		}
	}
	for _, e := range c.Reads {
		var head, x fr.Element
		if _, err := head.SetInterface(e.Used); err != nil {
			panic(err)
		}
		if _, err := x.SetInterface(e.Kind); err != nil {
			panic(err)
		}
		x.Double(&x)
		head.Add(&head, &x)
		out = append(out, head)
		add(e.Key.Hi, e.Key.Lo, e.Value.Hi, e.Value.Lo)
	}
	var rev fr.Element
	if reverted {
		rev.SetOne()
	}
	return append(out, rev)
}

func byteAt(bs []byte, i int) byte {
	if i < len(bs) {
		return bs[i]
	}
	return 0
}

// commitmentOf hashes the public elements with the circuit's sponge over
// BN254.
func commitmentOf(elems []fr.Element) *big.Int {
	perm := poseidon2.NewPermutation(spongeWidth, spongeFullRounds, spongePartialRounds)
	state := make([]fr.Element, spongeWidth)
	state[2].SetUint64(uint64(len(elems)))
	for i := 0; i < len(elems); i += 2 {
		state[0].Add(&state[0], &elems[i])
		if i+1 < len(elems) {
			state[1].Add(&state[1], &elems[i+1])
		}
		if err := perm.Permutation(state); err != nil {
			panic(err)
		}
	}
	return state[0].BigInt(new(big.Int))
}

// commitmentOn hashes the public elements with the circuit's sponge over
// the scalar field of curve. Every element is below 2^249 (31 bytes, or a
// 128-bit limb with a few flags), so it is the same integer in either
// field.
func commitmentOn(curve ecc.ID, elems []fr.Element) (*big.Int, error) {
	switch curve {
	case ecc.BN254:
		return commitmentOf(elems), nil
	case ecc.BLS12_377:
		perm := poseidonbls.NewPermutation(spongeWidth, spongeFullRounds, spongePartialRounds)
		state := make([]frbls.Element, spongeWidth)
		state[2].SetUint64(uint64(len(elems)))
		var x frbls.Element
		for i := 0; i < len(elems); i += 2 {
			state[0].Add(&state[0], x.SetBigInt(elems[i].BigInt(new(big.Int))))
			if i+1 < len(elems) {
				state[1].Add(&state[1], x.SetBigInt(elems[i+1].BigInt(new(big.Int))))
			}
			if err := perm.Permutation(state); err != nil {
				return nil, fmt.Errorf("verifier: poseidon2: %w", err)
			}
		}
		return state[0].BigInt(new(big.Int)), nil
	}
	return nil, fmt.Errorf("%w: commitment over %s (BN254 and BLS12-377 only)", ErrInput, curve)
}

// unalignedStore assigns an MSTORE at an offset that is not a multiple of
// 32 as two rows, one per word it writes, and their splice and
// multiplication entries.
func (a *assigner) unalignedStore(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	off, v := st.Stack[sp-1], st.Stack[sp-2]
	w, j := off.Uint64()/32, off.Uint64()%32
	if w+1 >= uint64(a.s.Memory) {
		return nil, fmt.Errorf("%w: MSTORE at pc %d: memory offset %s beyond %d bytes", ErrCapacity, st.PC, off.Dec(), 32*a.s.Memory)
	}
	// The two words after the store, as go-ethereum writes them.
	var both [64]byte
	b0, b1 := a.mem[w].Bytes32(), a.mem[w+1].Bytes32()
	copy(both[:32], b0[:])
	copy(both[32:], b1[:])
	vb := v.Bytes32()
	copy(both[j:j+32], vb[:])
	news := [2]uint256.Int{*new(uint256.Int).SetBytes32(both[:32]), *new(uint256.Int).SetBytes32(both[32:])}
	t := new(uint256.Int).Lsh(uint256.NewInt(1), uint(256-8*j))
	rows := make([]Row, 2)
	for k := range 2 {
		ri := i + k
		tm := func(port int) int { return portsPerRow*ri + port }
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.J = 1, int(st.PC), int(vm.MSTORE), sp, j
		fam, op := famMstoreLo, aluSpliceLo
		if k == 1 {
			fam, op = famMstoreHi, aluSpliceHi
		}
		r.Aux = op
		r.setFamily(a.s, fam)
		r.R0 = a.readStack(sp-1, tm(portR0))
		r.R1 = a.readStack(sp-2, tm(portR1))
		old := a.mem[w+uint64(k)]
		r.Data = a.writeCell(a.mem, domMem, int(w)+k, tm(portData), news[k])
		rows[k] = r

		// The splice entry and its two multiplication entries.
		var a0, shifted uint256.Int
		a0.Mod(&old, t)
		shiftOp, shift := aluShr, uint256.NewInt(8*j)
		if k == 0 {
			shifted.Rsh(&v, uint(8*j))
		} else {
			shiftOp, shift = aluShl, uint256.NewInt(256-8*j)
			shifted.Lsh(&v, uint(256-8*j))
		}
		e := SpliceEntry{O: word(&off), V: word(&v), C: zeroWord(), Old: word(&old), New: word(&news[k]),
			A0: word(&a0), R: word(&shifted), B: zeroWord(), V8: zeroWord(), BS: zeroWord(), J: j, Q: off.Uint64() / 32}
		zeros(e.Flags[:])
		e.Flags[k] = 1
		tb.splices = append(tb.splices, e)
		tb.muls = append(tb.muls, mulEntry(aluMod, &old, t, &a0), mulEntry(shiftOp, shift, &v, &shifted))
	}
	return rows, nil
}

// unalignedLoad assigns an MLOAD at an offset that is not a multiple of 32
// as two rows: the first pushes the first word's part (Old << 8j) above
// the offset, the second reads the next word and replaces the offset and
// that part by the loaded value.
func (a *assigner) unalignedLoad(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	off := st.Stack[sp-1]
	w, j := off.Uint64()/32, off.Uint64()%32
	if w+1 >= uint64(a.s.Memory) {
		return nil, fmt.Errorf("%w: MLOAD at pc %d: memory offset %s beyond %d bytes", ErrCapacity, st.PC, off.Dec(), 32*a.s.Memory)
	}
	if sp+1 >= a.s.Stack {
		return nil, fmt.Errorf("%w: MLOAD at pc %d needs a stack of %d", ErrCapacity, st.PC, sp+2)
	}
	old1, old2 := a.mem[w], a.mem[w+1]
	var part, rest, v uint256.Int
	part.Lsh(&old1, uint(8*j))
	rest.Rsh(&old2, uint(256-8*j))
	v.Add(&part, &rest)
	if si+1 < len(a.t.Steps) {
		if next := a.t.Steps[si+1].Stack; len(next) != sp || !next[sp-1].Eq(&v) {
			return nil, fmt.Errorf("%w: MLOAD at pc %d: go-ethereum loaded another value", ErrExecution, st.PC)
		}
	}
	read := func(ri, word int, val uint256.Int) WritePort {
		x := wordOf(val)
		return WritePort{Hi: x.Hi, Lo: x.Lo, OldHi: x.Hi, OldLo: x.Lo,
			PrevT: a.touch(cellKey{dom: domMem, addr: uint64(word)}, portsPerRow*ri+portData)}
	}
	rows := make([]Row, 2)
	// First row: R0 = offset, word w, W0 = part at sp.
	r := a.idleRow(i)
	r.Active, r.PC, r.Op, r.SP, r.J, r.Aux = 1, int(st.PC), int(vm.MLOAD), sp, j, aluSpliceLoadLo
	r.setFamily(a.s, famMloadLo)
	r.R0 = a.readStack(sp-1, portsPerRow*i+portR0)
	r.Data = read(i, int(w), old1)
	r.W0 = a.writeCell(a.stack, domStack, sp, portsPerRow*i+portW0, part)
	rows[0] = r
	// Second row: R0 = offset, R1 = part, word w+1, W0 = value at sp-1.
	r = a.idleRow(i + 1)
	r.Active, r.PC, r.Op, r.SP, r.J, r.Aux = 1, int(st.PC), int(vm.MLOAD), sp+1, j, aluSpliceLoadHi
	r.setFamily(a.s, famMloadHi)
	r.R0 = a.readStack(sp-1, portsPerRow*(i+1)+portR0)
	r.R1 = a.readStack(sp, portsPerRow*(i+1)+portR1)
	r.Data = read(i+1, int(w)+1, old2)
	r.W0 = a.writeCell(a.stack, domStack, sp-1, portsPerRow*(i+1)+portW0, v)
	rows[1] = r

	e := func(k int, o, vv, c, old, res uint256.Int) SpliceEntry {
		x := SpliceEntry{O: wordOf(o), V: wordOf(vv), C: wordOf(c), Old: wordOf(old), New: wordOf(old),
			A0: zeroWord(), R: wordOf(res), B: zeroWord(), V8: zeroWord(), BS: zeroWord(), J: j, Q: w}
		zeros(x.Flags[:])
		x.Flags[k] = 1
		return x
	}
	tb.splices = append(tb.splices,
		e(aluSpliceLoadLo-spliceFirst, off, uint256.Int{}, part, old1, part),
		e(aluSpliceLoadHi-spliceFirst, off, part, v, old2, rest))
	tb.muls = append(tb.muls, mulEntry(aluShl, uint256.NewInt(8*j), &old1, &part), mulEntry(aluShr, uint256.NewInt(256-8*j), &old2, &rest))
	return rows, nil
}

func wordOf(v uint256.Int) Word { return word(&v) }

// store8 assigns an MSTORE8: one row writing one word, one splice entry
// and four multiplication entries (the old byte, the new byte, and each
// shifted into place).
func (a *assigner) store8(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	off, v := st.Stack[sp-1], st.Stack[sp-2]
	if !off.IsUint64() || off.Uint64()/32 >= uint64(a.s.Memory) {
		return nil, fmt.Errorf("%w: MSTORE8 at pc %d: memory offset %s beyond %d bytes", ErrCapacity, st.PC, off.Dec(), 32*a.s.Memory)
	}
	w, j := off.Uint64()/32, off.Uint64()%32
	old := a.mem[w]
	ob := old.Bytes32()
	nb := ob
	nb[j] = byte(v[0])
	nw := *new(uint256.Int).SetBytes32(nb[:])
	r := a.idleRow(i)
	r.Active, r.PC, r.Op, r.SP, r.J, r.Aux = 1, int(st.PC), int(vm.MSTORE8), sp, j, aluSpliceByte
	r.setFamily(a.s, famMstore8)
	r.R0 = a.readStack(sp-1, portsPerRow*i+portR0)
	r.R1 = a.readStack(sp-2, portsPerRow*i+portR1)
	r.Data = a.writeCell(a.mem, domMem, int(w), portsPerRow*i+portData, nw)

	shift := 8 * (31 - j)
	byt := uint256.NewInt(uint64(ob[j]))
	v8 := uint256.NewInt(v[0] & 0xff)
	var bs, vs uint256.Int
	bs.Lsh(byt, uint(shift))
	vs.Lsh(v8, uint(shift))
	e := SpliceEntry{O: word(&off), V: word(&v), C: zeroWord(), Old: word(&old), New: word(&nw),
		A0: zeroWord(), R: word(&vs), B: word(byt), V8: word(v8), BS: word(&bs), J: j, Q: w}
	zeros(e.Flags[:])
	e.Flags[aluSpliceByte-spliceFirst] = 1
	tb.splices = append(tb.splices, e)
	tb.muls = append(tb.muls,
		mulEntry(aluByte, uint256.NewInt(j), &old, byt),
		mulEntry(aluMod, &v, uint256.NewInt(256), v8),
		mulEntry(aluShl, uint256.NewInt(shift), byt, &bs),
		mulEntry(aluShl, uint256.NewInt(shift), v8, &vs))
	return []Row{r}, nil
}

// modRows assigns an ADDMOD or MULMOD as two rows joined by the first
// row's index, with its modulo entry and multiplication entries.
func (a *assigner) modRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	x, y, n := st.Stack[sp-1], st.Stack[sp-2], st.Stack[sp-3]
	isMul := st.Op == vm.MULMOD
	e, muls, res := modEntry(isMul, &x, &y, &n, i)
	// The pushed value is what go-ethereum says; the entry proves it.
	if si+1 < len(a.t.Steps) {
		next := a.t.Steps[si+1].Stack
		if len(next) != sp-2 {
			return nil, fmt.Errorf("%w: stack after %s at pc %d", ErrExecution, st.Op, st.PC)
		}
		res = next[sp-3]
		e.R = word(&res)
	}
	opA, opB := aluAddmodA, aluAddmodB
	if isMul {
		opA, opB = aluMulmodA, aluMulmodB
	}
	rA := a.idleRow(i)
	rA.Active, rA.PC, rA.Op, rA.SP, rA.J, rA.Aux = 1, int(st.PC), int(st.Op), sp, i, opA
	rA.setFamily(a.s, famModA)
	rA.R0 = a.readStack(sp-1, portsPerRow*i+portR0)
	rA.R1 = a.readStack(sp-2, portsPerRow*i+portR1)
	rB := a.idleRow(i + 1)
	rB.Active, rB.PC, rB.Op, rB.SP, rB.J, rB.Aux = 1, int(st.PC), int(st.Op), sp, i, opB
	rB.setFamily(a.s, famModB)
	rB.R0 = a.readStack(sp-3, portsPerRow*(i+1)+portR0)
	rB.W0 = a.writeCell(a.stack, domStack, sp-3, portsPerRow*(i+1)+portW0, res)

	tb.muls = append(tb.muls, muls...)
	tb.mods = append(tb.mods, e)
	return []Row{rA, rB}, nil
}

// modEntry computes the modulo entry of x op y mod n (op ADDMOD, or MULMOD
// if isMul) linked to row l, its multiplication entries, and the result.
func modEntry(isMul bool, x, y, n *uint256.Int, l int) (ModEntry, []MulEntry, uint256.Int) {
	var res, plo, phi uint256.Int
	var c1, c2 uint64
	if isMul {
		res.MulMod(x, y, n)
		p := new(big.Int).Mul(x.ToBig(), y.ToBig())
		plo = *uint256.MustFromBig(new(big.Int).And(p, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))))
		phi = *uint256.MustFromBig(new(big.Int).Rsh(p, 256))
	} else {
		res.AddMod(x, y, n)
		if _, overflow := plo.AddOverflow(x, y); overflow {
			c2 = 1
		}
		phi.SetUint64(c2)
		lo := new(big.Int).Add(new(big.Int).SetBytes(bytesLo(x)), new(big.Int).SetBytes(bytesLo(y)))
		c1 = new(big.Int).Rsh(lo, 128).Uint64()
	}
	var k uint256.Int
	q := res
	if !n.IsZero() {
		k.Mod(&phi, n)
	}
	e := ModEntry{A: word(x), B: word(y), N: word(n), R: word(&res), Plo: word(&plo), Phi: word(&phi),
		K: word(&k), Q: word(&q), C1: c1, C2: c2, L: l}
	zeros(e.Flags[:])
	var muls []MulEntry
	if isMul {
		e.Flags[1] = 1
		muls = append(muls, mulEntry(aluMul, x, y, &plo), mulEntry(aluMulhi, x, y, &phi))
	} else {
		e.Flags[0] = 1
	}
	if !n.IsZero() {
		muls = append(muls, mulEntry(aluMod, &phi, n, &k), divWide(&plo, n, &k, &q))
	}
	return e, muls, res
}
