package verifier

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/std/hash/poseidon2"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/consensys/gnark/std/multicommit"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Word is a 256-bit EVM word as two 128-bit limbs.
type Word struct{ Hi, Lo frontend.Variable }

// Cell is the final state of one stack or memory cell: its value and the
// time of its last access.
type Cell struct{ Hi, Lo, T frontend.Variable }

// Slot is one storage slot the call touched, as the public inputs list it,
// with the time of its last access.
type Slot struct {
	Used                        frontend.Variable
	KeyHi, KeyLo                frontend.Variable
	InitHi, InitLo              frontend.Variable
	FinalHi, FinalLo, FinalTime frontend.Variable
}

// ReadPort is a stack read: the value read and the time of the previous
// access to the same cell.
type ReadPort struct{ Hi, Lo, PrevT frontend.Variable }

// WritePort is a write to a stack, memory or storage cell: the value
// written, the value it replaced, and the time of the previous access.
// A memory or storage read is a WritePort whose new value equals the old.
type WritePort struct{ Hi, Lo, OldHi, OldLo, PrevT frontend.Variable }

// Row is one step of the main trace.
type Row struct {
	Active, PC, Op, SP, Aux frontend.Variable
	// Flags[f-1] is 1 if the row's opcode is of family f.
	Flags   [numFamilies - 1]frontend.Variable
	R0, R1  ReadPort
	W0, W1  WritePort
	Mem     WritePort
	MemWord frontend.Variable
	Sto     WritePort
}

// Circuit proves one call frame's execution: that running Code on
// Calldata, with the storage values Storage lists as initial, produces the
// steps of the trace, the final storage values and the return data. Its
// one public input, Commitment, is the Poseidon2 hash of everything the
// proof binds (see PublicInputs).
type Circuit struct {
	Commitment frontend.Variable `gnark:",public"`

	Code        []frontend.Variable
	CodeLen     frontend.Variable
	Calldata    []frontend.Variable
	CalldataLen frontend.Variable
	Caller      Word
	Origin      Word
	Address     Word
	Value       Word
	Storage     []Slot
	Return      []Word
	RetOff      frontend.Variable // in words
	RetWords    frontend.Variable

	Rows      []Row
	StackEnd  []Cell
	MemEnd    []Cell
	Add       []AddEntry
	Mul       []MulEntry
	Bit       []BitEntry
	BitCounts []frontend.Variable

	shape Shape
}

// NewCircuit returns a circuit of the given shape, ready to compile.
func NewCircuit(s Shape) (*Circuit, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &Circuit{
		Code:      make([]frontend.Variable, s.Code),
		Calldata:  make([]frontend.Variable, s.Calldata),
		Storage:   make([]Slot, s.Storage),
		Return:    make([]Word, s.Return),
		Rows:      make([]Row, s.Steps),
		StackEnd:  make([]Cell, s.Stack),
		MemEnd:    make([]Cell, s.Memory),
		Add:       make([]AddEntry, s.Add),
		Mul:       make([]MulEntry, s.Mul),
		Bit:       make([]BitEntry, s.Bit),
		BitCounts: make([]frontend.Variable, len(bitTable)),
		shape:     s,
	}, nil
}

// Memory domains of the read/write memory argument.
const (
	domStack = 1
	domMem   = 2
	domSto   = 3
)

// Port times within a step: t = 8·row + port.
const (
	portR0 = 1 + iota
	portR1
	portMem
	portSto
	portW0
	portW1
	portsPerRow = 8
)

// pack folds a domain, address and time, each range-bounded, into one
// field element.
func pack(api frontend.API, dom int, addr, t frontend.Variable) frontend.Variable {
	return api.Add(t, api.Mul(addr, 1<<20), dom<<40)
}

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	s := Shape{Steps: len(c.Rows), Code: len(c.Code), Calldata: len(c.Calldata), Stack: len(c.StackEnd),
		Memory: len(c.MemEnd), Storage: len(c.Storage), Return: len(c.Return), Add: len(c.Add), Mul: len(c.Mul), Bit: len(c.Bit)}
	if err := s.validate(); err != nil {
		return err
	}
	rc := rangecheck.New(api)
	b := &builder{api: api, rc: rc, c: c, s: s}
	b.tables()
	b.rows()
	b.addTable()
	b.mulTable()
	b.bitTable()
	b.storage()
	b.returnData()
	if err := b.commitment(); err != nil {
		return err
	}
	multicommit.WithCommitment(api, b.memoryArgument, b.committed...)
	return nil
}

// builder holds what the parts of Define share.
type builder struct {
	api frontend.API
	rc  frontend.Rangechecker
	c   *Circuit
	s   Shape

	opTable, pushH, pushP1, pushP2 logderivlookup.Table
	codeAt, acc, jumpdest          logderivlookup.Table
	winHi, winLo, envHi, envLo     logderivlookup.Table
	memEndHi, memEndLo             logderivlookup.Table

	// accesses collects every memory-argument term: fingerprints added to
	// the write side (plus) or the read side (minus), gated by enable.
	accesses []access
	// aluRows and aluTable are the two sides of the ALU bus; bitQueries
	// and bitTable of the nibble lookup.
	aluRows, aluTable []aluTuple
	bitQueries        [][4]frontend.Variable
	pow2Hi, pow2Lo    logderivlookup.Table
	committed         []frontend.Variable
	reverted          frontend.Variable
}

type access struct {
	write  bool
	enable frontend.Variable
	key    frontend.Variable // pack(domain, address, time)
	parts  []frontend.Variable
}

type aluTuple struct {
	enable frontend.Variable
	parts  []frontend.Variable // op, aHi, aLo, bHi, bLo, cHi, cLo
}

func (b *builder) flag(r *Row, f family) frontend.Variable { return r.Flags[f-1] }

// tables builds the lookup tables of the opcode properties, the code, the
// calldata windows and the environment.
func (b *builder) tables() {
	api, c := b.api, b.c
	b.opTable = logderivlookup.New(api)
	b.pushH = logderivlookup.New(api)
	b.pushP1 = logderivlookup.New(api)
	b.pushP2 = logderivlookup.New(api)
	pushLens := logderivlookup.New(api)
	for op := 0; op <= 256; op++ {
		val, h, p1, p2 := opTableEntry(op)
		b.opTable.Insert(val)
		b.pushH.Insert(h)
		b.pushP1.Insert(p1)
		b.pushP2.Insert(p2)
		if op < 256 {
			pushLens.Insert(pushLen(byte(op)))
		}
	}

	// Code bytes, the accumulator A[p] = Σ_{j<p} code[j]·256^(p-1-j) mod r
	// that PUSH immediates are read from, and the jump-destination table
	// JD[p] = code[p] + 256·(push bytes still to skip at p).
	b.codeAt = logderivlookup.New(api)
	b.acc = logderivlookup.New(api)
	b.jumpdest = logderivlookup.New(api)
	var a frontend.Variable = 0
	var k frontend.Variable = 0
	pls := make([]frontend.Variable, len(c.Code))
	for _, byt := range c.Code {
		b.rc.Check(byt, 8)
		b.codeAt.Insert(byt)
	}
	pl := pushLens.Lookup(c.Code...)
	copy(pls, pl)
	for p := 0; p < len(c.Code)+34; p++ {
		b.acc.Insert(a)
		var byt frontend.Variable = 0
		if p < len(c.Code) {
			byt = c.Code[p]
		}
		a = api.Add(api.Mul(a, 256), byt)
		if p < len(c.Code) {
			b.jumpdest.Insert(api.Add(byt, api.Mul(k, 256)))
			z := api.IsZero(k)
			k = api.Select(z, pls[p], api.Sub(k, 1))
		}
	}

	// Calldata windows: the 32 bytes at each offset, zero past the end.
	b.winHi = logderivlookup.New(api)
	b.winLo = logderivlookup.New(api)
	cd := func(i int) frontend.Variable {
		if i < len(c.Calldata) {
			return c.Calldata[i]
		}
		return 0
	}
	for _, byt := range c.Calldata {
		b.rc.Check(byt, 8)
	}
	for o := range c.Calldata {
		var hi, lo frontend.Variable = 0, 0
		for j := range 16 {
			hi = api.Add(api.Mul(hi, 256), cd(o+j))
			lo = api.Add(api.Mul(lo, 256), cd(o+16+j))
		}
		b.winHi.Insert(hi)
		b.winLo.Insert(lo)
	}

	b.envHi = logderivlookup.New(api)
	b.envLo = logderivlookup.New(api)
	for _, w := range []Word{c.Caller, c.Origin, c.Address, c.Value, {0, c.CalldataLen}, {0, c.CodeLen}} {
		b.envHi.Insert(w.Hi)
		b.envLo.Insert(w.Lo)
	}
}

// opTableEntry is the opcode table's value for op (256: inactive rows):
// family + 32·aux, and the PUSH immediate split: h = bytes in the high
// limb, 256^(length-h) and 256^h.
func opTableEntry(op int) (val, h, p1, p2 *big.Int) {
	val, h, p1, p2 = big.NewInt(int64(numFamilies)), new(big.Int), big.NewInt(1), big.NewInt(1)
	if op == 256 {
		return big.NewInt(int64(famNone)), h, p1, p2
	}
	spec, ok := opcodes[vm.OpCode(op)]
	if !ok {
		return
	}
	val = big.NewInt(int64(spec.fam) + 32*int64(spec.aux))
	if spec.fam == famPush {
		n := spec.aux
		m := min(n, 16)
		h = big.NewInt(int64(n - m))
		p1 = new(big.Int).Lsh(big.NewInt(1), uint(8*m))
		p2 = new(big.Int).Lsh(big.NewInt(1), uint(8*(n-m)))
	}
	return
}

// rows constrains every main-trace row and its transition to the next.
func (b *builder) rows() {
	api, c := b.api, b.c
	api.AssertIsEqual(c.Rows[0].Active, 1)
	api.AssertIsEqual(c.Rows[0].PC, 0)
	api.AssertIsEqual(c.Rows[0].SP, 0)
	var reverted frontend.Variable = 0
	for i := range c.Rows {
		r := &c.Rows[i]
		api.AssertIsBoolean(r.Active)
		var sum, fam, need, delta frontend.Variable = 0, 0, 0, 0
		var r0en, r1en, w0en, w1en, halt frontend.Variable = 0, 0, 0, 0, 0
		for f := famStop; f < numFamilies; f++ {
			fl := b.flag(r, f)
			api.AssertIsBoolean(fl)
			sum = api.Add(sum, fl)
			fam = api.Add(fam, api.Mul(fl, int(f)))
			info := families[f]
			need = api.Add(need, api.Mul(fl, info.need))
			delta = api.Add(delta, api.Mul(fl, info.delta))
			if info.r0 {
				r0en = api.Add(r0en, fl)
			}
			if info.r1 {
				r1en = api.Add(r1en, fl)
			}
			if info.w0 {
				w0en = api.Add(w0en, fl)
			}
			if info.w1 {
				w1en = api.Add(w1en, fl)
			}
			if info.halt {
				halt = api.Add(halt, fl)
			}
		}
		api.AssertIsEqual(sum, r.Active)
		isPush, isDup, isSwap := b.flag(r, famPush), b.flag(r, famDup), b.flag(r, famSwap)
		isJump, isJumpi := b.flag(r, famJump), b.flag(r, famJumpi)
		reverted = api.Add(reverted, b.flag(r, famRevert))

		// The opcode fixes the family and aux.
		b.rc.Check(r.Aux, 8)
		opIndex := api.Add(r.Op, api.Mul(api.Sub(1, r.Active), 256))
		ops := b.opTable.Lookup(opIndex)
		api.AssertIsEqual(ops[0], api.Add(fam, api.Mul(r.Aux, 32)))
		// Inactive rows have PC 0 and op 0 (they look up code[0] too).
		code := b.codeAt.Lookup(r.PC)
		api.AssertIsEqual(api.Mul(r.Active, api.Sub(code[0], r.Op)), 0)

		// Stack height: enough items for the step.
		dupAux, swapAux := api.Mul(isDup, r.Aux), api.Mul(isSwap, r.Aux)
		need = api.Add(need, dupAux, swapAux, isSwap)
		b.rc.Check(api.Sub(r.SP, need), 11)

		// Port addresses and the memory argument.
		t := func(port int) int { return portsPerRow*i + port }
		r0addr := api.Sub(r.SP, 1, api.Sub(dupAux, isDup))
		r1addr := api.Sub(r.SP, 2, api.Sub(swapAux, isSwap))
		w0addr := api.Add(r.SP, delta, -1)
		b.read(domStack, r0en, r0addr, t(portR0), r.R0)
		b.read(domStack, r1en, r1addr, t(portR1), r.R1)
		b.write(domStack, w0en, w0addr, t(portW0), r.W0, nil)
		b.write(domStack, w1en, r1addr, t(portW1), r.W1, nil)
		isMload, isMstore := b.flag(r, famMload), b.flag(r, famMstore)
		memEn := api.Add(isMload, isMstore)
		b.rc.Check(r.MemWord, 16)
		api.AssertIsEqual(api.Mul(memEn, api.Sub(r.R0.Lo, api.Mul(r.MemWord, 32))), 0)
		api.AssertIsEqual(api.Mul(memEn, r.R0.Hi), 0)
		b.write(domMem, memEn, r.MemWord, t(portMem), r.Mem, nil)
		isSload, isSstore := b.flag(r, famSload), b.flag(r, famSstore)
		b.write(domSto, api.Add(isSload, isSstore), 0, t(portSto), r.Sto, []frontend.Variable{r.R0.Hi, r.R0.Lo})

		// Reads of memory and storage leave the value; writes store R1.
		b.assertGatedEqual(isMload, r.Mem.Hi, r.Mem.OldHi)
		b.assertGatedEqual(isMload, r.Mem.Lo, r.Mem.OldLo)
		b.assertGatedEqual(isMstore, r.Mem.Hi, r.R1.Hi)
		b.assertGatedEqual(isMstore, r.Mem.Lo, r.R1.Lo)
		b.assertGatedEqual(isSload, r.Sto.Hi, r.Sto.OldHi)
		b.assertGatedEqual(isSload, r.Sto.Lo, r.Sto.OldLo)
		b.assertGatedEqual(isSstore, r.Sto.Hi, r.R1.Hi)
		b.assertGatedEqual(isSstore, r.Sto.Lo, r.R1.Lo)
		b.assertGatedEqual(isSwap, r.W1.Hi, r.R0.Hi)
		b.assertGatedEqual(isSwap, r.W1.Lo, r.R0.Lo)

		// PUSH immediates from the code accumulator.
		n := api.Mul(isPush, r.Aux)
		h, p1, p2 := b.pushH.Lookup(opIndex)[0], b.pushP1.Lookup(opIndex)[0], b.pushP2.Lookup(opIndex)[0]
		base := api.Add(r.PC, 1)
		acc := b.acc.Lookup(base, api.Add(base, h), api.Add(base, n))
		immHi := api.Sub(acc[1], api.Mul(acc[0], p2))
		immLo := api.Sub(acc[2], api.Mul(acc[1], p1))

		// Calldata and environment.
		isCdl, isEnv := b.flag(r, famCalldataload), b.flag(r, famEnv)
		api.AssertIsEqual(api.Mul(isCdl, r.R0.Hi), 0)
		cdIndex := api.Mul(isCdl, r.R0.Lo)
		winHi, winLo := b.winHi.Lookup(cdIndex)[0], b.winLo.Lookup(cdIndex)[0]
		envIndex := api.Mul(isEnv, r.Aux)
		envHi, envLo := b.envHi.Lookup(envIndex)[0], b.envLo.Lookup(envIndex)[0]

		// The value pushed by every family but the ALU's.
		isPC := b.flag(r, famPC)
		expHi := api.Add(api.Mul(isPush, immHi), api.Mul(isDup, r.R0.Hi), api.Mul(isSwap, r.R1.Hi),
			api.Mul(isEnv, envHi), api.Mul(isCdl, winHi), api.Mul(isMload, r.Mem.Hi), api.Mul(isSload, r.Sto.Hi))
		expLo := api.Add(api.Mul(isPush, immLo), api.Mul(isDup, r.R0.Lo), api.Mul(isSwap, r.R1.Lo),
			api.Mul(isEnv, envLo), api.Mul(isCdl, winLo), api.Mul(isMload, r.Mem.Lo), api.Mul(isSload, r.Sto.Lo),
			api.Mul(isPC, r.PC))
		isAlu := api.Add(b.flag(r, famAlu1), b.flag(r, famAlu2))
		nonAlu := api.Sub(w0en, isAlu)
		api.AssertIsEqual(api.Mul(nonAlu, r.W0.Hi), expHi)
		api.AssertIsEqual(api.Mul(nonAlu, r.W0.Lo), expLo)
		b.aluRows = append(b.aluRows, aluTuple{enable: isAlu,
			parts: []frontend.Variable{r.Aux, r.R0.Hi, r.R0.Lo, r.R1.Hi, r.R1.Lo, r.W0.Hi, r.W0.Lo}})

		// RETURN and REVERT: aligned offset and length, recorded once.
		isRet := api.Add(b.flag(r, famReturn), b.flag(r, famRevert))
		api.AssertIsEqual(api.Mul(isRet, api.Sub(r.R0.Lo, api.Mul(c.RetOff, 32))), 0)
		api.AssertIsEqual(api.Mul(isRet, api.Sub(r.R1.Lo, api.Mul(c.RetWords, 32))), 0)
		api.AssertIsEqual(api.Mul(isRet, api.Add(r.R0.Hi, r.R1.Hi)), 0)
		api.AssertIsEqual(api.Mul(b.flag(r, famStop), c.RetWords), 0)

		// Jumps: the target of a taken jump is a JUMPDEST.
		taken := api.Sub(1, api.IsZero(api.Add(r.R1.Hi, r.R1.Lo)))
		jumped := api.Add(isJump, api.Mul(isJumpi, taken))
		jd := b.jumpdest.Lookup(api.Mul(jumped, r.R0.Lo))[0]
		api.AssertIsEqual(api.Mul(jumped, api.Sub(jd, 0x5b)), 0)
		api.AssertIsEqual(api.Mul(jumped, r.R0.Hi), 0)

		// Transition to the next row.
		if i+1 < len(c.Rows) {
			nx := &c.Rows[i+1]
			api.AssertIsEqual(api.Mul(nx.Active, api.Sub(1, r.Active)), 0)
			api.AssertIsEqual(api.Mul(nx.Active, api.Sub(nx.SP, api.Add(r.SP, delta))), 0)
			nextPC := api.Add(r.PC, 1, n, api.Mul(jumped, api.Sub(r.R0.Lo, r.PC, 1)))
			api.AssertIsEqual(api.Mul(nx.Active, api.Sub(nx.PC, nextPC)), 0)
			api.AssertIsEqual(api.Mul(halt, nx.Active), 0)
			api.AssertIsEqual(api.Mul(api.Sub(r.Active, nx.Active), api.Sub(1, halt)), 0)
		} else {
			api.AssertIsEqual(api.Mul(r.Active, api.Sub(1, halt)), 0)
		}
		b.committed = append(b.committed, r.Flags[:]...)
		b.committed = append(b.committed, r.Active, r.PC, r.Op, r.SP, r.Aux, r.R0.Hi, r.R0.Lo, r.R1.Hi, r.R1.Lo,
			r.W0.Hi, r.W0.Lo, r.W0.OldHi, r.W0.OldLo, r.W1.Hi, r.W1.Lo, r.W1.OldHi, r.W1.OldLo,
			r.Mem.Hi, r.Mem.Lo, r.Mem.OldHi, r.Mem.OldLo, r.Sto.Hi, r.Sto.Lo, r.Sto.OldHi, r.Sto.OldLo,
			r.R0.PrevT, r.R1.PrevT, r.W0.PrevT, r.W1.PrevT, r.Mem.PrevT, r.Sto.PrevT, r.MemWord)
	}
	b.reverted = reverted

	// Initial and final cells of stack and memory.
	for a, cell := range c.StackEnd {
		b.accesses = append(b.accesses,
			access{write: true, enable: 1, key: pack(api, domStack, a, 0), parts: []frontend.Variable{0, 0}},
			access{write: false, enable: 1, key: pack(api, domStack, a, cell.T), parts: []frontend.Variable{cell.Hi, cell.Lo}})
		b.committed = append(b.committed, cell.Hi, cell.Lo, cell.T)
	}
	b.memEndHi = logderivlookup.New(api)
	b.memEndLo = logderivlookup.New(api)
	for a, cell := range c.MemEnd {
		b.accesses = append(b.accesses,
			access{write: true, enable: 1, key: pack(api, domMem, a, 0), parts: []frontend.Variable{0, 0}},
			access{write: false, enable: 1, key: pack(api, domMem, a, cell.T), parts: []frontend.Variable{cell.Hi, cell.Lo}})
		b.memEndHi.Insert(cell.Hi)
		b.memEndLo.Insert(cell.Lo)
		b.committed = append(b.committed, cell.Hi, cell.Lo, cell.T)
	}
}

func (b *builder) assertGatedEqual(gate, x, y frontend.Variable) {
	b.api.AssertIsEqual(b.api.Mul(gate, b.api.Sub(x, y)), 0)
}

// read adds a read of a cell: the value was there since prevT, and is
// there from t on.
func (b *builder) read(dom int, enable, addr frontend.Variable, t int, p ReadPort) {
	b.rc.Check(b.api.Sub(t-1, p.PrevT), 24)
	b.accesses = append(b.accesses,
		access{write: false, enable: enable, key: pack(b.api, dom, addr, p.PrevT), parts: []frontend.Variable{p.Hi, p.Lo}},
		access{write: true, enable: enable, key: pack(b.api, dom, addr, t), parts: []frontend.Variable{p.Hi, p.Lo}})
}

// write adds a write of a cell: the old value was there since prevT, the
// new one is from t on. keyParts, for storage, are the slot's key limbs.
func (b *builder) write(dom int, enable, addr frontend.Variable, t int, p WritePort, keyParts []frontend.Variable) {
	b.rc.Check(b.api.Sub(t-1, p.PrevT), 24)
	oldParts := append(append([]frontend.Variable{}, keyParts...), p.OldHi, p.OldLo)
	newParts := append(append([]frontend.Variable{}, keyParts...), p.Hi, p.Lo)
	b.accesses = append(b.accesses,
		access{write: false, enable: enable, key: pack(b.api, dom, addr, p.PrevT), parts: oldParts},
		access{write: true, enable: enable, key: pack(b.api, dom, addr, t), parts: newParts})
}

// storage constrains the slot list: used slots first, keys strictly
// increasing, and each slot's initial and final value in the memory
// argument.
func (b *builder) storage() {
	api, c := b.api, b.c
	for j := range c.Storage {
		sl := &c.Storage[j]
		api.AssertIsBoolean(sl.Used)
		key := []frontend.Variable{sl.KeyHi, sl.KeyLo}
		b.accesses = append(b.accesses,
			access{write: true, enable: sl.Used, key: pack(api, domSto, 0, 0), parts: append(append([]frontend.Variable{}, key...), sl.InitHi, sl.InitLo)},
			access{write: false, enable: sl.Used, key: pack(api, domSto, 0, sl.FinalTime), parts: append(append([]frontend.Variable{}, key...), sl.FinalHi, sl.FinalLo)})
		b.committed = append(b.committed, sl.Used, sl.KeyHi, sl.KeyLo, sl.InitHi, sl.InitLo, sl.FinalHi, sl.FinalLo, sl.FinalTime)
		if j == 0 {
			continue
		}
		prev := &c.Storage[j-1]
		api.AssertIsEqual(api.Mul(sl.Used, api.Sub(1, prev.Used)), 0)
		// key_j - key_{j-1} - 1 >= 0 as a 256-bit number, when used.
		b.keyIncreasing(sl.Used, prev, sl)
	}
}

// keyIncreasing asserts key(cur) > key(prev) when gate is 1.
func (b *builder) keyIncreasing(gate frontend.Variable, prev, cur *Slot) {
	api := b.api
	res, err := api.Compiler().NewHint(keyGapHint, 3, prev.KeyHi, prev.KeyLo, cur.KeyHi, cur.KeyLo)
	if err != nil {
		panic(err)
	}
	dHi, dLo, borrow := res[0], res[1], res[2]
	api.AssertIsBoolean(borrow)
	// cur - prev - 1 = d, limb by limb with a borrow.
	api.AssertIsEqual(api.Mul(gate, api.Sub(api.Add(dLo, prev.KeyLo, 1), api.Add(cur.KeyLo, api.Mul(borrow, two128)))), 0)
	api.AssertIsEqual(api.Mul(gate, api.Sub(api.Add(dHi, prev.KeyHi, borrow), cur.KeyHi)), 0)
	b.rc.Check(dHi, 128)
	b.rc.Check(dLo, 128)
}

// returnData ties the public return words to the final memory.
func (b *builder) returnData() {
	api, c := b.api, b.c
	b.rc.Check(c.RetOff, 16)
	var count frontend.Variable = 0
	var prev frontend.Variable = 1
	for j := range c.Return {
		in, err := api.Compiler().NewHint(lessThanHint, 1, j, c.RetWords)
		if err != nil {
			panic(err)
		}
		api.AssertIsBoolean(in[0])
		api.AssertIsEqual(api.Mul(in[0], api.Sub(1, prev)), 0)
		prev = in[0]
		count = api.Add(count, in[0])
		idx := api.Mul(in[0], api.Add(c.RetOff, j))
		hi, lo := b.memEndHi.Lookup(idx)[0], b.memEndLo.Lookup(idx)[0]
		api.AssertIsEqual(c.Return[j].Hi, api.Mul(in[0], hi))
		api.AssertIsEqual(c.Return[j].Lo, api.Mul(in[0], lo))
	}
	api.AssertIsEqual(count, c.RetWords)
}

// commitment asserts that the public input is the hash of everything the
// proof binds, in the order PublicInputs lists it.
func (b *builder) commitment() error {
	h, err := poseidon2.New(b.api)
	if err != nil {
		return fmt.Errorf("verifier: poseidon2: %w", err)
	}
	h.Write(publicElements(b.api, b.c, b.reverted)...)
	b.api.AssertIsEqual(h.Sum(), b.c.Commitment)
	return nil
}

// publicElements lists the bound values as field elements: code and
// calldata packed 31 bytes per element.
func publicElements(api frontend.API, c *Circuit, reverted frontend.Variable) []frontend.Variable {
	var out []frontend.Variable
	packBytes := func(bs []frontend.Variable) {
		for i := 0; i < len(bs); i += 31 {
			var v frontend.Variable = 0
			for j := i; j < min(i+31, len(bs)); j++ {
				v = api.Add(api.Mul(v, 256), bs[j])
			}
			out = append(out, v)
		}
	}
	packBytes(c.Code)
	out = append(out, c.CodeLen)
	packBytes(c.Calldata)
	out = append(out, c.CalldataLen)
	for _, w := range []Word{c.Caller, c.Origin, c.Address, c.Value} {
		out = append(out, w.Hi, w.Lo)
	}
	for _, sl := range c.Storage {
		out = append(out, sl.Used, sl.KeyHi, sl.KeyLo, sl.InitHi, sl.InitLo, sl.FinalHi, sl.FinalLo)
	}
	out = append(out, api.Mul(c.RetWords, 32))
	for _, w := range c.Return {
		out = append(out, w.Hi, w.Lo)
	}
	return append(out, reverted)
}

// memoryArgument checks, with challenges drawn from the commitment to the
// trace, that every read matches the last write to its cell (the
// log-derivative multiset argument over all stack, memory and storage
// accesses), and that every ALU row is in the arithmetic table.
func (b *builder) memoryArgument(api frontend.API, commitment frontend.Variable) error {
	h, err := mimc.NewMiMC(api)
	if err != nil {
		return err
	}
	h.Write(1, commitment)
	beta := h.Sum()
	alpha := commitment
	pows := []frontend.Variable{1, beta}
	for len(pows) < 8 {
		pows = append(pows, api.Mul(pows[len(pows)-1], beta))
	}
	var writes, reads frontend.Variable = 0, 0
	for _, a := range b.accesses {
		fp := a.key
		for k, p := range a.parts {
			fp = api.Add(fp, api.Mul(pows[k+1], p))
		}
		term := api.DivUnchecked(a.enable, api.Sub(alpha, fp))
		if a.write {
			writes = api.Add(writes, term)
		} else {
			reads = api.Add(reads, term)
		}
	}
	api.AssertIsEqual(writes, reads)

	var rows, table frontend.Variable = 0, 0
	fold := func(t aluTuple) frontend.Variable {
		var fp frontend.Variable = t.parts[0]
		for k, p := range t.parts[1:] {
			fp = api.Add(fp, api.Mul(pows[k+1], p))
		}
		return api.DivUnchecked(t.enable, api.Sub(alpha, fp))
	}
	for _, t := range b.aluRows {
		rows = api.Add(rows, fold(t))
	}
	for _, t := range b.aluTable {
		table = api.Add(table, fold(t))
	}
	api.AssertIsEqual(rows, table)

	// Nibble lookup: every query (op, a, b, c) is a row of bitTable, which
	// holds each valid tuple once, weighted by how often it is queried.
	var queries, weighted frontend.Variable = 0, 0
	for _, q := range b.bitQueries {
		fp := api.Add(q[0], api.Mul(pows[1], q[1]), api.Mul(pows[2], q[2]), api.Mul(pows[3], q[3]))
		queries = api.Add(queries, api.DivUnchecked(1, api.Sub(alpha, fp)))
	}
	for k, t := range bitTable {
		fp := api.Add(t[0], api.Mul(pows[1], t[1]), api.Mul(pows[2], t[2]), api.Mul(pows[3], t[3]))
		weighted = api.Add(weighted, api.DivUnchecked(b.c.BitCounts[k], api.Sub(alpha, fp)))
	}
	api.AssertIsEqual(queries, weighted)
	return nil
}
