package verifier

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/consensys/gnark/std/multicommit"
	"github.com/consensys/gnark/std/permutation/poseidon2"
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

// SwapWrite is a write whose previous access is known: the read of the
// same cell earlier in the row.
type SwapWrite struct{ Hi, Lo, OldHi, OldLo frontend.Variable }

// Row is one step of the main trace.
type Row struct {
	Active, PC, Op, SP, Aux frontend.Variable
	// J is the offset's byte position in its word for the two rows of an
	// unaligned MSTORE, else 0.
	J frontend.Variable
	// MSz is the memory size in words before the step (shapes with Msize).
	MSz frontend.Variable
	// K is a copy row's word index within its copy, else 0.
	K frontend.Variable
	// Flags has one column per family the shape has (Shape.flagColumns):
	// 1 if the row's opcode is of that family.
	Flags  []frontend.Variable
	R0, R1 ReadPort
	W0     WritePort
	// W1 is SWAP's second write, to the cell R1 read in the same row.
	W1 SwapWrite
	// Data is the memory word or storage slot a load or store accesses,
	// named by R0: the memory offset (a multiple of 32 below the shape's
	// memory, or no cell matches) or the storage key.
	Data WritePort
}

// Circuit proves one call frame's execution: that running Code on
// Calldata, with the storage values Storage lists as initial, produces the
// steps of the trace, the final storage values and the return data. Its
// one public input, Commitment, is the Poseidon2 hash of everything the
// proof binds (see Public.Commitment); the rest of the witness is its
// Frame.
type Circuit struct {
	Commitment frontend.Variable `gnark:",public"`
	FrameWitness
}

// FrameWitness is the private witness of one call frame: the values
// Circuit proves, none of them public. A larger circuit (a batch segment)
// embeds a FrameWitness and calls [FrameWitness.Constrain], which proves
// the frame and returns its commitment for that circuit to bind as it
// likes.
type FrameWitness struct {
	Code        []frontend.Variable
	CodeLen     frontend.Variable
	Calldata    []frontend.Variable
	CalldataLen frontend.Variable
	Caller      Word
	Origin      Word
	Address     Word
	Value       Word
	// Context is the block and transaction context the environment
	// opcodes push, and the contract's balance (contextWords' order).
	Context [numContext]Word
	Storage []Slot
	// Transient is the private list of the transient storage slots the
	// call touched (TLOAD, TSTORE), used ones first by increasing key,
	// each zero at the start (Init unused and zero), or, in a shape with
	// TransientCarried, at Init.
	Transient []Slot
	Return    []Word
	// The call returns RetLen bytes of memory from byte 32·RetOff +
	// RetByte: RetFull whole words and RetRem bytes more, whose word's
	// bytes are RetPart. With an unaligned start each returned word joins
	// RetShl[j] = word j << 8·RetByte and RetShr[j] = word j+1 >> (256 -
	// 8·RetByte), from the multiplication table.
	RetOff, RetByte, RetLen, RetFull, RetRem frontend.Variable
	RetPart                                  [32]frontend.Variable
	RetShl, RetShr                           []Word

	Rows      []Row
	StackEnd  []Cell
	MemEnd    []Cell
	Add       []AddEntry
	Mul       []MulEntry
	Bit       []BitEntry
	BitCounts []frontend.Variable
	Splice    []SpliceEntry
	Exp       []ExpEntry
	Mod       []ModEntry
	Copy      []CopyEntry
	Keccak    []KeccakEntry
	// KeccakLong are the long entries of the keccak table.
	KeccakLong []KeccakEntry
	// KeccakHashes and KeccakLongHashes are the short and the long
	// entries' hashes, in a shape with KeccakClaims (none otherwise):
	// claims the circuit around the frame proves.
	KeccakHashes, KeccakLongHashes []Word
	// Logs is the public log list, in the order the call emitted them.
	Logs []LogEntry
	// Calls is the public call list, in the order the frame made them,
	// and RetSizeEnd the final cell of the last call's return data size.
	Calls      []CallEntry
	RetSizeEnd Cell
	// Mcopy is the MCOPY table, Rdc the RETURNDATACOPY table.
	Mcopy []McopyEntry
	Rdc   []RdcEntry
	// Reads is the public read list (EXTCODESIZE, EXTCODEHASH, BALANCE,
	// BLOCKHASH), in the order the frame read them.
	Reads []StateEntry

	shape Shape
}

// batchOnly is the error of a frame proof of its own of shape s, nil
// where s is not a shape only a batch proof can use: one with
// KeccakClaims or TransientCarried.
func batchOnly(s Shape) error {
	switch {
	case s.KeccakClaims:
		return fmt.Errorf("%w: shape %s leaves its keccak hashes to a batch proof (KeccakClaims); a frame proof of its own cannot use it", ErrCapacity, s.Name())
	case s.TransientCarried:
		return fmt.Errorf("%w: shape %s starts its transient slots where a batch proof says (TransientCarried); a frame proof of its own cannot use it", ErrCapacity, s.Name())
	}
	return nil
}

// NewCircuit returns a circuit of the given shape, ready to compile (a
// shape with KeccakClaims or TransientCarried compiles only inside a
// batch segment).
func NewCircuit(s Shape) (*Circuit, error) {
	f, err := NewFrameWitness(s)
	if err != nil {
		return nil, err
	}
	return &Circuit{FrameWitness: *f}, nil
}

// NewFrameWitness returns the empty frame witness of the given shape, for
// a circuit that embeds it.
func NewFrameWitness(s Shape) (*FrameWitness, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	rows := make([]Row, s.Steps)
	for i := range rows {
		rows[i].Flags = make([]frontend.Variable, len(s.flagColumns()))
	}
	return &FrameWitness{
		Code:             make([]frontend.Variable, s.Code),
		Calldata:         make([]frontend.Variable, s.Calldata),
		Storage:          make([]Slot, s.Storage),
		Transient:        make([]Slot, s.Transient),
		Return:           make([]Word, s.Return),
		RetShl:           make([]Word, retSplice(s)),
		RetShr:           make([]Word, retSplice(s)),
		Rows:             rows,
		StackEnd:         make([]Cell, s.Stack),
		MemEnd:           make([]Cell, s.Memory),
		Add:              make([]AddEntry, s.Add),
		Mul:              make([]MulEntry, s.Mul),
		Bit:              make([]BitEntry, s.Bit),
		BitCounts:        make([]frontend.Variable, len(bitTable)),
		Splice:           make([]SpliceEntry, s.Splice),
		Exp:              make([]ExpEntry, s.Exp),
		Mod:              make([]ModEntry, s.Mod),
		Copy:             make([]CopyEntry, s.Copy),
		Keccak:           keccakEntries(s.Keccak, 1),
		KeccakLong:       keccakEntries(s.KeccakLong, s.KeccakBlocks),
		KeccakHashes:     keccakHashes(s, s.Keccak),
		KeccakLongHashes: keccakHashes(s, s.KeccakLong),
		Logs:             logEntries(s),
		Calls:            callEntries(s),
		Mcopy:            mcopyEntries(s),
		Rdc:              rdcEntries(s),
		Reads:            readEntries(s),
		RetSizeEnd:       Cell{Hi: 0, Lo: 0, T: 0},
		shape:            s,
	}, nil
}

// Shape is the shape the frame witness was made for.
func (c *FrameWitness) Shape() Shape { return c.shape }

// retSplice is how many return words a shape splices (none without
// UnalignedReturn).
func retSplice(s Shape) int {
	if s.UnalignedReturn {
		return s.Return
	}
	return 0
}

// Memory domains of the read/write memory argument.
const (
	domStack     = 1
	domMem       = 2
	domSto       = 3
	domTransient = 4
)

// Port times within a step: t = 8·row + port.
const (
	portR0 = 1 + iota
	portR1
	portData
	portW0
	portW1
	portsPerRow = 8
)

// pack folds a domain, address and time, each range-bounded, into one
// field element.
func pack(api frontend.API, dom, addr, t frontend.Variable) frontend.Variable {
	return api.Add(t, api.Mul(addr, 1<<20), api.Mul(dom, 1<<40))
}

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	if err := batchOnly(c.shape); err != nil {
		return err
	}
	out, err := c.FrameWitness.Constrain(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(out.Commitment, c.Commitment)
	return nil
}

// FrameOutcome is what FrameWitness.Constrain proves about a frame for the
// circuit around it: its commitment, whether it reverted (1) or returned
// (0), how many of its steps change state (SSTORE, TSTORE, LOG0 to
// LOG4), which a static call must not make, and how many of those are
// SSTORE (Stores); its return data is the witness's RetLen and Return.
type FrameOutcome struct {
	Commitment, Reverted, Writes, Stores frontend.Variable
	// Keccak are the keccak table's claims, one per entry (the short
	// ones, then the long ones), in a shape with KeccakClaims (none
	// otherwise): the circuit around the frame must prove each used
	// one's hash.
	Keccak []KeccakClaim
}

// KeccakClaim is one entry of a frame's keccak table whose hash the
// frame's circuit does not prove: where Used is 1, Hash is claimed to be
// keccak256 of the first Len bytes of Input, whose bytes past Len are
// zero (Input has the entry's capacity, 135 bytes for a short entry and
// 136·KeccakBlocks − 1 for a long one; its bytes are range-checked). An
// unused entry has Used, Len and every byte zero.
type KeccakClaim struct {
	Used, Len frontend.Variable
	Input     []frontend.Variable
	Hash      Word
}

// Constrain proves the frame in the circuit api builds (over any of
// gnark's pairing curves' scalar fields) and returns its outcome, with
// its commitment: the Poseidon2 hash, in that field, of the values
// Public.Commitment lists ([Public.CommitmentOn] computes it outside the
// circuit). The frame's memory argument draws its challenge from a
// commitment to the frame's columns, so the circuit must support
// frontend.Committer.
func (c *FrameWitness) Constrain(api frontend.API) (FrameOutcome, error) {
	s := Shape{Steps: len(c.Rows), Code: len(c.Code), Calldata: len(c.Calldata), Stack: len(c.StackEnd),
		Memory: len(c.MemEnd), Storage: len(c.Storage), Return: len(c.Return), Add: len(c.Add), Mul: len(c.Mul), Bit: len(c.Bit), Splice: len(c.Splice), Exp: len(c.Exp), Mod: len(c.Mod), Copy: len(c.Copy), Keccak: len(c.Keccak), KeccakLong: len(c.KeccakLong), KeccakBlocks: c.shape.KeccakBlocks, KeccakClaims: c.shape.KeccakClaims, Logs: c.shape.Logs, LogData: c.shape.LogData, Transient: len(c.Transient), TransientCarried: c.shape.TransientCarried, Calls: len(c.Calls), CallData: c.shape.CallData, CallReturn: c.shape.CallReturn, Mcopy: len(c.Mcopy), McopyWords: c.shape.McopyWords, Rdc: len(c.Rdc), RdcWords: c.shape.RdcWords, Reads: len(c.Reads), Msize: c.shape.Msize, UnalignedReturn: c.shape.UnalignedReturn}
	if err := s.validate(); err != nil {
		return FrameOutcome{}, err
	}
	rc := rangecheck.New(api)
	b := &builder{api: api, rc: rc, c: c, s: s}
	b.tables()
	b.rows()
	b.addTable()
	b.mulTable()
	b.bitTable()
	b.spliceTable()
	b.expTable()
	b.modTable()
	b.copyTable()
	if err := b.keccakTable(); err != nil {
		return FrameOutcome{}, err
	}
	b.logTable()
	if b.s.Calls > 0 {
		b.callTable()
	}
	if b.s.Mcopy > 0 {
		b.mcopyTable()
	}
	if b.s.Rdc > 0 {
		b.rdcTable()
	}
	if b.s.Reads > 0 {
		b.readTable()
	}
	b.storage()
	b.transient()
	b.returnData()
	sum, err := sponge(api, publicElements(api, b.c, b.reverted))
	if err != nil {
		return FrameOutcome{}, err
	}
	multicommit.WithCommitment(api, b.memoryArgument, b.committed...)
	return FrameOutcome{Commitment: sum, Reverted: b.reverted, Writes: b.writes, Stores: b.stores, Keccak: b.claims}, nil
}

// builder holds what the parts of Define share.
type builder struct {
	api frontend.API
	rc  frontend.Rangechecker
	c   *FrameWitness
	s   Shape

	famTable, auxTable, pushH, pushP1, pushP2 logderivlookup.Table
	acc, jumpdest                             logderivlookup.Table
	extHi, extLo                              logderivlookup.Table
	memEndHi, memEndLo                        logderivlookup.Table

	// accesses collects every memory-argument term: fingerprints added to
	// the write side (plus) or the read side (minus), gated by enable.
	accesses []access
	// aluRows and aluTable are the two sides of the ALU bus; bitQueries
	// and bitTable of the nibble lookup.
	aluRows, aluTable []aluTuple
	bitQueries        [][4]frontend.Variable
	// expGiven and expTaken are the states of exponentiation chains.
	expGiven, expTaken []expLink
	pow2Hi, pow2Lo     logderivlookup.Table
	// retBytes holds every call's return data, byte by byte
	// (RETURNDATACOPY's source).
	retBytes  logderivlookup.Table
	committed []frontend.Variable
	reverted  frontend.Variable
	writes    frontend.Variable
	stores    frontend.Variable
	// claims are the keccak table's claims (KeccakClaims).
	claims []KeccakClaim
}

// combo is a word folded with the challenge, β·hi + β²·lo, computed once
// however many fingerprints use it.
type combo struct {
	hi, lo frontend.Variable
	v      frontend.Variable
}

func newCombo(hi, lo frontend.Variable) *combo { return &combo{hi: hi, lo: lo} }

func (c *combo) value(api frontend.API, pows []frontend.Variable) frontend.Variable {
	if c.v == nil {
		c.v = api.Add(api.Mul(pows[1], c.hi), api.Mul(pows[2], c.lo))
	}
	return c.v
}

// access is one memory-argument term: fingerprint key + value (+ β²·data
// for memory and storage, whose value comes after the slot key), on the
// write side (plus) or the read side (minus), gated by enable.
type access struct {
	write  bool
	enable frontend.Variable
	key    frontend.Variable // pack(domain, address, time)
	value  *combo
	data   *combo // nil for the stack
}

// aluTuple is one (op, A, B, C[, D, E]) of the ALU bus. Rows give
// combos, tables give the words. D and E, the old and new value of a
// memory word, are there for unaligned stores (rows: when gate is 1).
type aluTuple struct {
	enable  frontend.Variable
	op      frontend.Variable
	a, b, c *combo
	gate    frontend.Variable
	d, e    *combo
	j       frontend.Variable // the store's byte position, with d and e
}

// flag is the row's flag of family f: constant 0 for a family the shape
// does not have.
func (b *builder) flag(r *Row, f family) frontend.Variable {
	if col := b.s.flagColumn(f); col >= 0 {
		return r.Flags[col]
	}
	return 0
}

// tables builds the lookup tables of the opcode properties, the code, the
// calldata windows and the environment.
func (b *builder) tables() {
	api, c := b.api, b.c
	b.famTable = logderivlookup.New(api)
	b.auxTable = logderivlookup.New(api)
	pushLens := logderivlookup.New(api)
	for op := range opTableLen(b.s) {
		fam, aux := opTableEntry(op)
		if op == mcopyEmptyEntry && b.s.Mcopy == 0 {
			fam = int(numFamilies)
		}
		if fam != int(famNone) && !b.s.enabled(family(fam)) {
			fam = int(numFamilies) // a family the shape lacks: no row can take it
		}
		b.famTable.Insert(fam)
		b.auxTable.Insert(aux)
	}
	for op := range 256 {
		pushLens.Insert(pushLen(byte(op)))
	}
	// PUSHn immediates split into h high bytes and n-h low bytes: by n,
	// h, 256^(n-h) and 256^h.
	b.pushH = logderivlookup.New(api)
	b.pushP1 = logderivlookup.New(api)
	b.pushP2 = logderivlookup.New(api)
	for n := 0; n <= 32; n++ {
		m := min(n, 16)
		b.pushH.Insert(n - m)
		b.pushP1.Insert(new(big.Int).Lsh(big.NewInt(1), uint(8*m)))
		b.pushP2.Insert(new(big.Int).Lsh(big.NewInt(1), uint(8*(n-m))))
	}

	// The accumulator A[p] = Σ_{q<p} x[q]·256^(p-1-q) mod r over the byte
	// stream x that PUSH immediates and copies read from (see
	// sourceStream): A[q+m] - A[q]·256^m is the m bytes from q, m < 32.
	// And the table JD[p] = code[p] + 256·k[p], k[p] the push bytes still
	// to skip at p: an instruction at p is JD[p] itself, a JUMPDEST is
	// JD[p] = 0x5b.
	b.acc = logderivlookup.New(api)
	b.jumpdest = logderivlookup.New(api)
	for _, byt := range c.Code {
		b.rc.Check(byt, 8)
	}
	pls := pushLens.Lookup(c.Code...)
	var k frontend.Variable = 0
	for p, byt := range c.Code {
		b.jumpdest.Insert(api.Add(byt, api.Mul(k, 256)))
		k = api.Select(api.IsZero(k), pls[p], api.Sub(k, 1))
	}
	var a frontend.Variable = 0
	for _, byt := range sourceStream(c.Code, c.Calldata, b.s.Copy > 0) {
		b.acc.Insert(a)
		a = api.Add(api.Mul(a, 256), byt)
	}
	b.acc.Insert(a)

	// The "external" values a step can push: the environment, then the
	// calldata window at each offset (zero past the end).
	b.extHi = logderivlookup.New(api)
	b.extLo = logderivlookup.New(api)
	for _, w := range append([]Word{c.Caller, c.Origin, c.Address, c.Value, {0, c.CalldataLen}, {0, c.CodeLen}}, c.Context[:]...) {
		b.extHi.Insert(w.Hi)
		b.extLo.Insert(w.Lo)
	}
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
		b.extHi.Insert(hi)
		b.extLo.Insert(lo)
	}
}

// sourceStream is the byte stream the accumulator table runs over: 32
// zero bytes, the code, 32 zero bytes, and with copies the calldata and
// 32 zero bytes more. Code byte p is at codeBase + p, calldata byte p at
// calldataBase(len(code)) + p; a 32-byte window that starts less than 32
// bytes before either or inside it reads zeros around it.
func sourceStream(code, calldata []frontend.Variable, copies bool) []frontend.Variable {
	zeros := func() []frontend.Variable {
		z := make([]frontend.Variable, streamGap)
		for i := range z {
			z[i] = 0
		}
		return z
	}
	out := append(zeros(), code...)
	out = append(out, zeros()...)
	if copies {
		out = append(out, calldata...)
		out = append(out, zeros()...)
	}
	return out
}

// streamGap is the zero bytes around each source in the stream.
const (
	streamGap = 32
	codeBase  = streamGap
)

// calldataBase is the stream position of calldata byte 0.
func calldataBase(codeLen int) int { return 2*streamGap + codeLen }

// The opcode table is indexed by op + 256·(1 - active) plus, for the rows
// of an unaligned access, a shift that moves MSTORE or MLOAD to its own
// entry: entries 0..255 are the opcodes, 256 inactive rows, 257 and 258
// the two rows of an unaligned MSTORE, 259 and 260 of an unaligned MLOAD,
// 261 and 262 MULMOD's and ADDMOD's second rows, 263 to 266 the middle
// rows and the empty copies of CALLDATACOPY and CODECOPY, 267 and 268
// KECCAK256's middle rows and its empty input, 269 to 273 the data rows
// of LOG0 to LOG4, 274 to 278 their size rows that do not end them (274,
// LOG0's, is none: its size row is its last), 279 to 283 their topic rows
// that do not end them (279 is none). A row flagged
// as one of those with another opcode lands on an entry of another family,
// or past the table.
const (
	opTableSize = 284
	// With calls or MCOPY the table goes on: 284 to 302 are none, 303
	// is an empty MCOPY (copyEmptyShift), then four blocks of ten: a
	// call's parameter, input, size and return rows, at op - CALL within
	// each block (CALL, DELEGATECALL, STATICCALL at 0, 3, 9); then
	// MCOPY's source rows that do not end them, its last source row, and
	// its destination rows that do not end the copy.
	mcopyEmptyEntry = int(vm.MCOPY) + copyEmptyShift
	callBlock       = 10
	callBase        = 304
	callParamShift  = callBase - int(vm.CALL)
	callDataShift   = callParamShift + callBlock
	callSizeShift   = callDataShift + callBlock
	callRetShift    = callSizeShift + callBlock
	mcopyBase       = callBase + 4*callBlock
	mcSrcMidShift   = mcopyBase - int(vm.MCOPY)
	mcSrcEndShift   = mcSrcMidShift + 1
	mcDstMidShift   = mcSrcMidShift + 2
	rdcBase         = mcopyBase + 3
	rdcHeadShift    = rdcBase - int(vm.RETURNDATACOPY)
	rdcEmptyShift   = rdcHeadShift + 1
	rdcMidShift     = rdcHeadShift + 2
	opTableLong     = rdcBase + 3
	loShift         = 257 - int(vm.MSTORE)
	hiShift         = 258 - int(vm.MSTORE)
	loadLoShift     = 259 - int(vm.MLOAD)
	loadHiShift     = 260 - int(vm.MLOAD)
	modBShift       = 261 - int(vm.ADDMOD) // MULMOD's second row lands on 262
	// CALLDATACOPY's middle rows land on 263, empty copy on 264; CODECOPY
	// (two opcodes on) on 265 and 266.
	copyMidShift     = 263 - int(vm.CALLDATACOPY)
	copyEmptyShift   = 264 - int(vm.CALLDATACOPY)
	keccakMidShift   = 267 - int(vm.KECCAK256)
	keccakEmptyShift = 268 - int(vm.KECCAK256)
	logDataShift     = 269 - int(vm.LOG0)
	logSizeShift     = 274 - int(vm.LOG0)
	logTopicShift    = 279 - int(vm.LOG0)
)

// opTableLen is the length of shape s's opcode table.
func opTableLen(s Shape) int {
	if s.Calls > 0 || s.Mcopy > 0 {
		return opTableLong
	}
	return opTableSize
}

// opTableEntry is the family and aux of opcode table entry op (an
// unsupported opcode has no family a row can take).
func opTableEntry(op int) (fam, aux int) {
	switch {
	case op == mcopyEmptyEntry:
		return int(famCopyEmpty), 0
	case op >= rdcBase:
		return [...]int{int(famRdcHead), int(famRdcEmpty), int(famRdcMid)}[op-rdcBase],
			[...]int{aluRdcHead, aluRdcEmpty, aluRdcMid}[op-rdcBase]
	case op >= mcopyBase:
		return [...]int{int(famMcSrcMid), int(famMcSrcEnd), int(famMcDstMid)}[op-mcopyBase],
			[...]int{aluMcSrcMid, aluMcSrcEnd, aluMcDstMid}[op-mcopyBase]
	case op >= opTableSize && op < callBase:
		return int(numFamilies), 0
	}
	if op >= opTableSize {
		blk, at := (op-callBase)/callBlock, vm.OpCode(int(vm.CALL)+(op-callBase)%callBlock)
		if at != vm.CALL && at != vm.STATICCALL && at != vm.DELEGATECALL {
			return int(numFamilies), 0
		}
		return [...]int{int(famCallParam), int(famCallData), int(famCallSize), int(famCallRet)}[blk],
			[...]int{aluCallParam, aluCallData, aluCallSize, aluCallRet}[blk]
	}
	switch op {
	case 256:
		return int(famNone), 0
	case 257:
		return int(famMstoreLo), aluSpliceLo
	case 258:
		return int(famMstoreHi), aluSpliceHi
	case 259:
		return int(famMloadLo), aluSpliceLoadLo
	case 260:
		return int(famMloadHi), aluSpliceLoadHi
	case 261:
		return int(famModB), aluAddmodB
	case 262:
		return int(famModB), aluMulmodB
	case 263:
		return int(famCopyMid), aluCopyCalldataMid
	case 264, 266:
		return int(famCopyEmpty), 0
	case 265:
		return int(famCopyMid), aluCopyCodeMid
	case 267:
		return int(famKeccakMid), aluKeccakMid
	case 268:
		return int(famKeccakEmpty), 0
	case 269, 270, 271, 272, 273:
		return int(famLogData), aluLogData
	case 275, 276, 277, 278:
		return int(famLogSizeMid), logSizeOp(op - 274)
	case 280, 281, 282, 283:
		return int(famLogTopicMid), aluLogTopicMid
	case 274, 279:
		return int(numFamilies), 0
	}
	spec, ok := opcodes[vm.OpCode(op)]
	if !ok {
		return int(numFamilies), 0
	}
	return int(spec.fam), spec.aux
}

// rows constrains every main-trace row and its transition to the next.
func (b *builder) rows() {
	api, c := b.api, b.c
	api.AssertIsEqual(c.Rows[0].Active, 1)
	api.AssertIsEqual(c.Rows[0].PC, 0)
	api.AssertIsEqual(c.Rows[0].SP, 0)
	if b.s.Msize {
		api.AssertIsEqual(c.Rows[0].MSz, 0)
	}
	tbits := bits.Len(uint(portsPerRow * len(c.Rows)))
	hasK := b.s.hasK()
	var reverted, writes, stores frontend.Variable = 0, 0, 0
	for i := range c.Rows {
		r := &c.Rows[i]
		api.AssertIsBoolean(r.Active)
		var sum, fam, need, delta frontend.Variable = 0, 0, 0, 0
		var r0en, r1en, w0en, w1en, halt frontend.Variable = 0, 0, 0, 0, 0
		for _, f := range b.s.flagColumns() {
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
		isMload, isMstore, isSload, isSstore := b.flag(r, famMload), b.flag(r, famMstore), b.flag(r, famSload), b.flag(r, famSstore)
		isTload, isTstore := b.flag(r, famTload), b.flag(r, famTstore)
		// KECCAK256 rows read one input word each; the last pushes the hash.
		isKMid, isKEnd, isKEmpty := b.flag(r, famKeccakMid), b.flag(r, famKeccakEnd), b.flag(r, famKeccakEmpty)
		isKec := api.Add(isKMid, isKEnd)
		// LOGn rows: data words, then the size row, then the topics.
		isLData, isLSizeMid, isLSizeEnd := b.flag(r, famLogData), b.flag(r, famLogSizeMid), b.flag(r, famLogSizeEnd)
		isLTopicMid, isLTopicEnd := b.flag(r, famLogTopicMid), b.flag(r, famLogTopicEnd)
		isLog := api.Add(isLData, isLSizeMid, isLSizeEnd, isLTopicMid, isLTopicEnd)
		reverted = api.Add(reverted, b.flag(r, famRevert))
		writes = api.Add(writes, isSstore, isTstore, b.flag(r, famLogSizeEnd), b.flag(r, famLogTopicEnd))
		stores = api.Add(stores, isSstore)
		// A call's rows; RETURNDATASIZE and GAS.
		isCParam, isCData, isCSize := b.flag(r, famCallParam), b.flag(r, famCallData), b.flag(r, famCallSize)
		isCRet, isCEnd := b.flag(r, famCallRet), b.flag(r, famCallEnd)
		isCall := api.Add(isCParam, isCData, isCSize, isCRet, isCEnd)
		isRds, isGas := b.flag(r, famRetSize), b.flag(r, famGas)

		// The opcode, an instruction of the code at pc, fixes family and aux.
		// Inactive rows have pc 0 and op 0, and look up entry 256.
		opIndex := api.Add(r.Op, api.Mul(api.Sub(1, r.Active), 256),
			api.Mul(b.flag(r, famMstoreLo), loShift), api.Mul(b.flag(r, famMstoreHi), hiShift),
			api.Mul(b.flag(r, famMloadLo), loadLoShift), api.Mul(b.flag(r, famMloadHi), loadHiShift),
			api.Mul(b.flag(r, famModB), modBShift),
			api.Mul(b.flag(r, famCopyMid), copyMidShift), api.Mul(b.flag(r, famCopyEmpty), copyEmptyShift),
			api.Mul(isKMid, keccakMidShift), api.Mul(isKEmpty, keccakEmptyShift),
			api.Mul(isLData, logDataShift), api.Mul(isLSizeMid, logSizeShift), api.Mul(isLTopicMid, logTopicShift),
			api.Mul(isCParam, callParamShift), api.Mul(isCData, callDataShift), api.Mul(isCSize, callSizeShift),
			api.Mul(isCRet, callRetShift), api.Mul(b.flag(r, famMcSrcMid), mcSrcMidShift),
			api.Mul(b.flag(r, famMcSrcEnd), mcSrcEndShift), api.Mul(b.flag(r, famMcDstMid), mcDstMidShift),
			api.Mul(b.flag(r, famRdcHead), rdcHeadShift), api.Mul(b.flag(r, famRdcEmpty), rdcEmptyShift),
			api.Mul(b.flag(r, famRdcMid), rdcMidShift))
		api.AssertIsEqual(b.famTable.Lookup(opIndex)[0], fam)
		api.AssertIsEqual(b.auxTable.Lookup(opIndex)[0], r.Aux)
		insn := b.jumpdest.Lookup(r.PC)[0]
		api.AssertIsEqual(api.Mul(r.Active, api.Sub(insn, r.Op)), 0)

		// Ports and the memory argument. A stack access below 0 or above
		// the shape's stack matches no cell, so underflow cannot balance.
		dupAux, swapAux := api.Mul(isDup, r.Aux), api.Mul(isSwap, r.Aux)
		t := func(port int) int { return portsPerRow*i + port }
		// R0 is the top, R1 the item below, but for DUPn (R0 = n-th), SWAPn
		// (R1 = n+1-th) and the second row of an unaligned MLOAD, which
		// reads the offset in R0 and the part above it in R1.
		isLHi, isModA, isModB := b.flag(r, famMloadHi), b.flag(r, famModA), b.flag(r, famModB)
		// A copy's rows read its size in W0, written back unchanged; an
		// empty copy reads its size in R0.
		isCopyMid, isCopyEnd, isCopyEmpty := b.flag(r, famCopyMid), b.flag(r, famCopyEnd), b.flag(r, famCopyEmpty)
		// MCOPY's rows: source rows read the source word in Data, with
		// R0 the source offset (one below the top) and R1 the destination.
		isMcSrcMid, isMcSrcEnd := b.flag(r, famMcSrcMid), b.flag(r, famMcSrcEnd)
		isMcDstMid, isMcDstEnd := b.flag(r, famMcDstMid), b.flag(r, famMcDstEnd)
		isMcSrc := api.Add(isMcSrcMid, isMcSrcEnd)
		isMc := api.Add(isMcSrc, isMcDstMid, isMcDstEnd)
		// RETURNDATACOPY's: the first (or only) row reads the return data
		// size cell in Data, the others write memory as copies do.
		isRdcHead, isRdcEmpty := b.flag(r, famRdcHead), b.flag(r, famRdcEmpty)
		isRdcMid, isRdcEnd := b.flag(r, famRdcMid), b.flag(r, famRdcEnd)
		isRdcCell, isRdcDst := api.Add(isRdcHead, isRdcEmpty), api.Add(isRdcMid, isRdcEnd)
		// EXTCODESIZE, EXTCODEHASH, BALANCE and BLOCKHASH push an
		// entry's value.
		isAcct := b.flag(r, famRead)
		isCopy := api.Add(isCopyMid, isCopyEnd)
		r0addr := api.Sub(r.SP, 1, api.Sub(dupAux, isDup), isLHi, api.Mul(api.Add(isModB, isCopyEmpty), 2), isMcSrc)
		r1addr := api.Add(api.Sub(r.SP, 2, api.Sub(swapAux, isSwap)), isLHi, isMcSrc)
		w0addr := api.Add(r.SP, delta, -1, api.Mul(api.Add(isCopyMid, isMcSrc, isMcDstMid, isRdcHead, isRdcMid), -2),
			isCopyEnd, isMcDstEnd, isRdcEmpty, isRdcEnd)
		r0 := b.read(domStack, r0en, r0addr, t(portR0), r.R0, tbits)
		r1 := b.read(domStack, r1en, r1addr, t(portR1), r.R1, tbits)
		_, w0 := b.write(domStack, w0en, w0addr, t(portW0), r.W0, nil, tbits)
		// SWAP's second write is to the cell R1 read in this row: its
		// previous access time is R1's.
		w1 := WritePort{Hi: r.W1.Hi, Lo: r.W1.Lo, OldHi: r.W1.OldHi, OldLo: r.W1.OldLo, PrevT: t(portR1)}
		b.write(domStack, w1en, r1addr, t(portW1), w1, nil, 0)

		// Loads and stores: the cell is named by R0 (memory offset or
		// storage key); memory cells exist at offsets 32·a only. An
		// unaligned access names word R0 - J, then R0 - J + 32.
		isLo, isHi := b.flag(r, famMstoreLo), b.flag(r, famMstoreHi)
		isLLo := b.flag(r, famMloadLo)
		splice := api.Add(isLo, isHi, isLLo, isLHi, b.flag(r, famMstore8))
		// J is 0 but for an unaligned access, whose splice entries check
		// 1 <= J <= 31 (J travels on the bus), and for the two rows of
		// ADDMOD and MULMOD, where it is the first row's index: the
		// modulo table joins the rows that carry the same J.
		busExt := api.Add(splice, isModA, isModB, isCopy, isMc, isRdcDst)
		// A log's or a call's data rows read from J too (see MemoryData),
		// and a call's return rows write from it (see CallEntry).
		api.AssertIsEqual(api.Mul(r.J, api.Sub(1, busExt, isLData, isCData, isCRet)), 0)
		// Equalities that hold on rows of some families are summed, one
		// sum per limb, each gated by flags of families no other term of
		// its sum names (see zeroSum).
		hiSum, loSum := b.zeroSum(), b.zeroSum()
		hiSum.add([]family{famModA, famModB}, api.Add(isModA, isModB), api.Add(api.Sub(r.J, i), isModB))
		memEn, stoEn := api.Add(isMload, isMstore, splice, isCopy, isKec, isLData, isCData, isCRet, isMc, isRdcDst), api.Add(isSload, isSstore)
		tEn := api.Add(isTload, isTstore)
		// RETURNDATASIZE reads the return data size cell, a call's last
		// row writes it.
		rdEn := api.Add(isRds, isCEnd, isRdcCell)
		loads, stores := api.Add(isMload, isSload, isTload, isRds), api.Add(isMstore, isSstore, isTstore)
		// domSto = domMem + 1, domTransient = domMem + 2, domRetSize =
		// domMem + 3.
		dom := api.Add(domMem, stoEn, api.Mul(tEn, 2), api.Mul(rdEn, 3))
		// A copy's k-th row writes word k from the one holding byte R0.
		slotLo := api.Add(api.Sub(r.R0.Lo, r.J), api.Mul(api.Add(isHi, isLHi), 32))
		if hasK {
			// K is 0 but after a copy's or KECCAK256's middle row (see the
			// transition), whose next row is of the same instruction: a
			// middle or last row, or an empty copy, which cannot follow a
			// middle row (that one has a size of 33 or more), or an empty
			// KECCAK256, which leaves the middle row's word without the
			// keccak entry that would take it.
			slotLo = api.Add(slotLo, api.Mul(r.K, 32))
		}
		slot := newCombo(r.R0.Hi, slotLo)
		if b.s.Calls > 0 {
			// The return data size cell has key 0.
			notRd := api.Sub(1, rdEn)
			slot = newCombo(api.Mul(r.R0.Hi, notRd), api.Mul(slotLo, notRd))
		}
		dOld, dNew := b.write(dom, api.Add(memEn, stoEn, tEn, rdEn), 0, t(portData), r.Data, slot, tbits)
		loadFams := []family{famMload, famSload, famTload, famRetSize, famMloadLo, famMloadHi, famKeccakMid, famKeccakEnd, famLogData, famCallData, famMcSrcMid, famMcSrcEnd, famRdcHead, famRdcEmpty}
		hiSum.add(loadFams, api.Add(loads, isLLo, isLHi, isKec, isLData, isCData, isMcSrc, isRdcCell), api.Sub(r.Data.Hi, r.Data.OldHi))
		loSum.add(loadFams, api.Add(loads, isLLo, isLHi, isKec, isLData, isCData, isMcSrc, isRdcCell), api.Sub(r.Data.Lo, r.Data.OldLo))
		hiSum.add([]family{famMstore, famSstore, famTstore}, stores, api.Sub(r.Data.Hi, r.R1.Hi))
		loSum.add([]family{famMstore, famSstore, famTstore}, stores, api.Sub(r.Data.Lo, r.R1.Lo))
		hiSum.add([]family{famSwap}, isSwap, api.Sub(r.W1.Hi, r.R0.Hi))
		loSum.add([]family{famSwap}, isSwap, api.Sub(r.W1.Lo, r.R0.Lo))

		// PUSH immediates from the code accumulator.
		n := api.Mul(isPush, r.Aux)
		h, p1, p2 := b.pushH.Lookup(n)[0], b.pushP1.Lookup(n)[0], b.pushP2.Lookup(n)[0]
		base := api.Add(r.PC, codeBase+1)
		acc := b.acc.Lookup(base, api.Add(base, h), api.Add(base, n))
		immHi := api.Sub(acc[1], api.Mul(acc[0], p2))
		immLo := api.Sub(acc[2], api.Mul(acc[1], p1))

		// Environment and calldata: one external table.
		isCdl, isEnv := b.flag(r, famCalldataload), b.flag(r, famEnv)
		hiSum.add([]family{famCalldataload}, isCdl, r.R0.Hi)
		extIndex := api.Add(api.Mul(isEnv, r.Aux), api.Mul(isCdl, api.Add(r.R0.Lo, numEnv)))
		extHi, extLo := b.extHi.Lookup(extIndex)[0], b.extLo.Lookup(extIndex)[0]
		isExt := api.Add(isEnv, isCdl)

		// The value pushed by every family but the ALU's.
		isPC := b.flag(r, famPC)
		expHi := api.Add(api.Mul(isPush, immHi), api.Mul(isDup, r.R0.Hi), api.Mul(isSwap, r.R1.Hi),
			api.Mul(isExt, extHi), api.Mul(loads, r.Data.Hi))
		expLo := api.Add(api.Mul(isPush, immLo), api.Mul(isDup, r.R0.Lo), api.Mul(isSwap, r.R1.Lo),
			api.Mul(isExt, extLo), api.Mul(loads, r.Data.Lo), api.Mul(isPC, r.PC))
		if b.s.Msize {
			expLo = api.Add(expLo, api.Mul(b.flag(r, famMsize), r.MSz, 32))
		}
		if b.s.Calls > 0 {
			// RETURNDATASIZE pushes the cell's low limb only: its high
			// limb names the call.
			expHi = api.Sub(expHi, api.Mul(isRds, r.Data.Hi))
		}
		if b.s.Copy > 0 || b.s.Rdc > 0 {
			// A copy writes its size back; an empty copy's size is 0 (the
			// sum of two limbs below 2^128 is 0 only if both are).
			isCopyLike := api.Add(isCopy, isMc, isRdcCell, isRdcDst)
			expHi = api.Add(expHi, api.Mul(isCopyLike, r.W0.OldHi))
			expLo = api.Add(expLo, api.Mul(isCopyLike, r.W0.OldLo))
			hiSum.add([]family{famCopyEmpty}, isCopyEmpty, api.Add(r.R0.Hi, r.R0.Lo))
		}
		if b.s.Keccak > 0 {
			// KECCAK256 of no bytes pushes the empty input's hash.
			expHi = api.Add(expHi, api.Mul(isKEmpty, emptyKeccak.Hi))
			expLo = api.Add(expLo, api.Mul(isKEmpty, emptyKeccak.Lo))
			hiSum.add([]family{famKeccakEmpty}, isKEmpty, api.Add(r.R1.Hi, r.R1.Lo))
		}
		if b.s.Calls > 0 {
			// GAS pushes the prover's value (gas is not proven yet), of 64
			// bits at most.
			expHi = api.Add(expHi, api.Mul(isGas, r.W0.Hi))
			expLo = api.Add(expLo, api.Mul(isGas, r.W0.Lo))
			hiSum.add([]family{famGas}, isGas, r.W0.Hi)
		}
		isAlu := api.Add(b.flag(r, famAlu1), b.flag(r, famAlu2))
		nonAlu := api.Sub(w0en, isAlu, isLLo, isLHi, isModB, isKEnd, isCEnd, isAcct) // their W0 comes from the bus
		api.AssertIsEqual(api.Mul(nonAlu, r.W0.Hi), expHi)
		api.AssertIsEqual(api.Mul(nonAlu, r.W0.Lo), expLo)
		// A copy row's bus tuple carries J + 2^32·K: the copy table needs
		// both, splits them with J < 32 and K < 2^16, and no other split
		// (J off by a multiple of 2^32) leaves the row's word in memory.
		busJ := r.J
		if hasK {
			busJ = api.Add(r.J, api.Mul(r.K, copyKShift))
		}
		// A KECCAK256 row's tuple is (op + 2^8·i, offset, size, W0, word,
		// word, 2^32·K), i the row's index: the keccak entry of the
		// input starting at row i - K sends it (see KeccakEntry). Its W0
		// is the hash on the last row, and 0 on the others.
		// LOGn rows send the same, with their own operations (see
		// LogEntry); only data rows send a word.
		// A call's rows send theirs too (see CallEntry); input, return
		// and last rows with a word.
		busOp := r.Aux
		if b.s.Keccak > 0 || b.s.Logs > 0 || b.s.Calls > 0 || b.s.Mcopy > 0 || b.s.Reads > 0 {
			busOp = api.Add(r.Aux, api.Mul(api.Add(isKec, isLog, isCall, isMc, isRdcCell, isRdcDst, isAcct), i*rowIndexShift))
		}
		b.aluRows = append(b.aluRows, aluTuple{enable: api.Add(isAlu, busExt, isKec, isLog, isCall, isRdcCell, isAcct), op: busOp, a: r0, b: r1, c: w0,
			gate: api.Add(busExt, isKec, isLData, isCData, isCRet, isCEnd, isRdcCell), d: dOld, e: dNew, j: busJ})

		// RETURN and REVERT: aligned offset and length, recorded once.
		isRet := api.Add(b.flag(r, famReturn), b.flag(r, famRevert))
		retFams := []family{famReturn, famRevert}
		loSum.add(retFams, isRet, api.Sub(r.R0.Lo, api.Mul(c.RetOff, 32), c.RetByte))
		api.AssertIsEqual(api.Mul(isRet, api.Sub(r.R1.Lo, c.RetLen)), 0)
		hiSum.add(retFams, isRet, api.Add(r.R0.Hi, r.R1.Hi))
		hiSum.add([]family{famStop}, b.flag(r, famStop), c.RetLen)

		// Jumps: the target of a taken jump is a JUMPDEST.
		taken := api.Sub(1, api.IsZero(api.Add(r.R1.Hi, r.R1.Lo)))
		jumped := api.Add(isJump, api.Mul(isJumpi, taken))
		jd := b.jumpdest.Lookup(api.Mul(jumped, r.R0.Lo))[0]
		// jumped is 1 only on JUMP and JUMPI rows.
		loSum.add([]family{famJump, famJumpi}, jumped, api.Sub(jd, 0x5b))
		hiSum.add([]family{famJump, famJumpi}, jumped, r.R0.Hi)
		hiSum.assertZero()
		loSum.assertZero()

		// Transition to the next row.
		if i+1 < len(c.Rows) {
			nx := &c.Rows[i+1]
			if b.s.Msize {
				// Memory grows to cover the word a memory row touches: the
				// next size is the larger of the two.
				grow := api.Sub(nx.MSz, r.MSz)
				b.memSize(memEn, grow, api.Sub(nx.MSz, api.Div(slot.lo, 32), 1))
			}
			api.AssertIsEqual(api.Mul(nx.Active, api.Sub(nx.SP, api.Add(r.SP, delta))), 0)
			// The first row of an unaligned access stays at pc; the second
			// follows it, and only it.
			stay := api.Add(isCopyMid, isKMid, isLData, isLSizeMid, isLTopicMid, isCParam, isCData, isCSize, isCRet,
				isMcSrcMid, isMcSrcEnd, isMcDstMid, isRdcHead, isRdcMid)
			nextPC := api.Add(r.PC, api.Sub(1, isLo, isLLo, isModA, stay), n, api.Mul(jumped, api.Sub(r.R0.Lo, r.PC, 1)))
			if hasK {
				// A copy's, KECCAK256's or LOG's row that does not end it
				// is followed by its next row (same pc, K + 1); any other
				// row by K = 0.
				// A call's parameter and size rows and MCOPY's last source
				// row start the count again: a call's input and return rows
				// and MCOPY's destination rows count from 0.
				api.AssertIsEqual(nx.K, api.Mul(api.Sub(stay, isCParam, isCSize, isMcSrcEnd, isRdcHead), api.Add(r.K, 1)))
			}
			// A first row is followed by a second row and a second row
			// follows a first: both at the same pc, so of the same opcode,
			// which the opcode table ties to the right pair of families.
			first := api.Add(isLo, isLLo, isModA)
			nxSecond := api.Add(b.flag(nx, famMstoreHi), b.flag(nx, famMloadHi), b.flag(nx, famModB))
			api.AssertIsEqual(api.Mul(first, api.Sub(1, nxSecond)), 0)
			api.AssertIsEqual(api.Mul(nxSecond, api.Sub(1, first)), 0)
			api.AssertIsEqual(api.Mul(nx.Active, api.Sub(nx.PC, nextPC)), 0)
			// Nothing runs after a halt, and a row that does not halt is
			// followed by an active one (an inactive row has no flags, so
			// is followed by inactive rows only).
			api.AssertIsEqual(api.Mul(halt, nx.Active), 0)
			api.AssertIsEqual(api.Mul(api.Sub(r.Active, nx.Active), api.Sub(1, halt)), 0)
		} else {
			api.AssertIsEqual(api.Mul(r.Active, api.Sub(1, halt)), 0)
		}
		if i == 0 {
			api.AssertIsEqual(api.Add(isHi, isLHi, isModB), 0)
			if hasK {
				api.AssertIsEqual(r.K, 0)
			}
		}
		b.committed = append(b.committed, r.Flags[:]...)
		if b.s.Msize {
			b.committed = append(b.committed, r.MSz)
		}
		if hasK {
			b.committed = append(b.committed, r.K)
		}
		b.committed = append(b.committed, r.Active, r.PC, r.Op, r.SP, r.Aux, r.J, r.R0.Hi, r.R0.Lo, r.R1.Hi, r.R1.Lo,
			r.W0.Hi, r.W0.Lo, r.W0.OldHi, r.W0.OldLo, r.W1.Hi, r.W1.Lo, r.W1.OldHi, r.W1.OldLo,
			r.Data.Hi, r.Data.Lo, r.Data.OldHi, r.Data.OldLo,
			r.R0.PrevT, r.R1.PrevT, r.W0.PrevT, r.Data.PrevT)
	}
	b.reverted, b.writes, b.stores = reverted, writes, stores

	// Initial and final cells of stack and memory.
	zero := newCombo(0, 0)
	for a, cell := range c.StackEnd {
		b.accesses = append(b.accesses,
			access{write: true, enable: 1, key: pack(api, domStack, a, 0), value: zero},
			access{write: false, enable: 1, key: pack(api, domStack, a, cell.T), value: newCombo(cell.Hi, cell.Lo)})
		b.committed = append(b.committed, cell.Hi, cell.Lo, cell.T)
	}
	b.memEndHi = logderivlookup.New(api)
	b.memEndLo = logderivlookup.New(api)
	for a, cell := range c.MemEnd {
		key := newCombo(0, 32*a)
		b.accesses = append(b.accesses,
			access{write: true, enable: 1, key: pack(api, domMem, 0, 0), value: key, data: zero},
			access{write: false, enable: 1, key: pack(api, domMem, 0, cell.T), value: key, data: newCombo(cell.Hi, cell.Lo)})
		b.memEndHi.Insert(cell.Hi)
		b.memEndLo.Insert(cell.Lo)
		b.committed = append(b.committed, cell.Hi, cell.Lo, cell.T)
	}
}

// memSize constrains one step of the memory-size column: it never
// shrinks, and a memory row makes it the larger of the old size and the
// touched word + 1 (over, the new size minus that).
func (b *builder) memSize(memRow, grow, over frontend.Variable) {
	api := b.api
	b.rc.Check(grow, 16)
	b.rc.Check(api.Mul(memRow, over), 16)
	api.AssertIsEqual(api.Mul(memRow, grow, over), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, memRow), grow), 0)
}

// zeroSum is a sum of gated terms gate·x that must each be 0, asserted
// with one constraint for the sum. Each term's gate is 1 on rows of its
// families and 0 on all others, and no two terms name the same family
// (add panics, at compile time, if they do): a row has one family, so
// the sum is the one term whose gate is 1, or 0.
type zeroSum struct {
	api  frontend.API
	fams map[family]bool
	sum  frontend.Variable
}

func (b *builder) zeroSum() *zeroSum {
	return &zeroSum{api: b.api, fams: map[family]bool{}, sum: 0}
}

// add adds gate·x, gate being 1 exactly on rows of the families fams.
func (z *zeroSum) add(fams []family, gate, x frontend.Variable) {
	for _, f := range fams {
		if z.fams[f] {
			panic(fmt.Sprintf("verifier: two terms of one zero sum gated by family %d", f))
		}
		z.fams[f] = true
	}
	z.sum = z.api.Add(z.sum, z.api.Mul(gate, x))
}

func (z *zeroSum) assertZero() { z.api.AssertIsEqual(z.sum, 0) }

func (b *builder) assertGatedEqual(gate, x, y frontend.Variable) {
	b.api.AssertIsEqual(b.api.Mul(gate, b.api.Sub(x, y)), 0)
}

// read adds a read of a stack cell: the value was there since prevT, and
// is there from t on. It returns the value's combo.
func (b *builder) read(dom int, enable, addr frontend.Variable, t int, p ReadPort, tbits int) *combo {
	b.rc.Check(b.api.Sub(t-1, p.PrevT), tbits)
	v := newCombo(p.Hi, p.Lo)
	b.accesses = append(b.accesses,
		access{write: false, enable: enable, key: pack(b.api, dom, addr, p.PrevT), value: v},
		access{write: true, enable: enable, key: pack(b.api, dom, addr, t), value: v})
	return v
}

// write adds a write of a cell: the old value was there since prevT, the
// new one is from t on. For memory and storage, slot is the key's combo
// and the values follow it. It returns the old and new values' combos.
// tbits 0 skips the range check of prevT, for a time known in the circuit.
func (b *builder) write(dom, enable, addr frontend.Variable, t int, p WritePort, slot *combo, tbits int) (old, nw *combo) {
	if tbits > 0 {
		b.rc.Check(b.api.Sub(t-1, p.PrevT), tbits)
	}
	old, nw = newCombo(p.OldHi, p.OldLo), newCombo(p.Hi, p.Lo)
	ro, wo := access{write: false, enable: enable, key: pack(b.api, dom, addr, p.PrevT), value: old},
		access{write: true, enable: enable, key: pack(b.api, dom, addr, t), value: nw}
	if slot != nil {
		ro.value, ro.data = slot, old
		wo.value, wo.data = slot, nw
	}
	b.accesses = append(b.accesses, ro, wo)
	return old, nw
}

// storage constrains the slot list: used slots first, keys strictly
// increasing, and each slot's initial and final value in the memory
// argument.
func (b *builder) storage() {
	api, c := b.api, b.c
	for j := range c.Storage {
		sl := &c.Storage[j]
		api.AssertIsBoolean(sl.Used)
		key := newCombo(sl.KeyHi, sl.KeyLo)
		b.accesses = append(b.accesses,
			access{write: true, enable: sl.Used, key: pack(api, domSto, 0, 0), value: key, data: newCombo(sl.InitHi, sl.InitLo)},
			access{write: false, enable: sl.Used, key: pack(api, domSto, 0, sl.FinalTime), value: key, data: newCombo(sl.FinalHi, sl.FinalLo)})
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

// transient constrains the transient slot list as storage does the
// storage list, with every slot zero at the start (at Init in a shape
// with TransientCarried); the list is private.
func (b *builder) transient() {
	api, c := b.api, b.c
	for j := range c.Transient {
		sl := &c.Transient[j]
		api.AssertIsBoolean(sl.Used)
		if !b.s.TransientCarried {
			api.AssertIsEqual(sl.InitHi, 0)
			api.AssertIsEqual(sl.InitLo, 0)
		}
		key := newCombo(sl.KeyHi, sl.KeyLo)
		b.accesses = append(b.accesses,
			access{write: true, enable: sl.Used, key: pack(api, domTransient, 0, 0), value: key, data: newCombo(sl.InitHi, sl.InitLo)},
			access{write: false, enable: sl.Used, key: pack(api, domTransient, 0, sl.FinalTime), value: key, data: newCombo(sl.FinalHi, sl.FinalLo)})
		b.committed = append(b.committed, sl.Used, sl.KeyHi, sl.KeyLo, sl.FinalHi, sl.FinalLo, sl.FinalTime)
		if b.s.TransientCarried {
			b.committed = append(b.committed, sl.InitHi, sl.InitLo)
		}
		if j == 0 {
			continue
		}
		prev := &c.Transient[j-1]
		api.AssertIsEqual(api.Mul(sl.Used, api.Sub(1, prev.Used)), 0)
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

// returnData ties the public return words to the final memory: RetFull
// whole words from word RetOff on, then the first RetRem bytes of the next
// word, zero-padded.
func (b *builder) returnData() {
	api, c := b.api, b.c
	b.rc.Check(c.RetOff, 16)
	b.rc.Check(c.RetByte, 5)
	if !b.s.UnalignedReturn {
		api.AssertIsEqual(c.RetByte, 0)
	}
	b.rc.Check(c.RetFull, 16)
	b.rc.Check(c.RetRem, 5)
	api.AssertIsEqual(c.RetLen, api.Add(api.Mul(c.RetFull, 32), c.RetRem))
	remNZ := api.Sub(1, api.IsZero(c.RetRem))
	hint := func(f solver.Hint, in ...frontend.Variable) frontend.Variable {
		out, err := api.Compiler().NewHint(f, 1, in...)
		if err != nil {
			panic(err)
		}
		api.AssertIsBoolean(out[0])
		return out[0]
	}
	ins, parts := make([]frontend.Variable, len(c.Return)), make([]frontend.Variable, len(c.Return))
	words := make([]Word, len(c.Return))
	var count, partCount, partAt frontend.Variable = 0, 0, 0
	var prev frontend.Variable = 1
	var partial Word = Word{0, 0}
	for j := range c.Return {
		in := hint(lessThanHint, j, c.RetFull)
		part := hint(partHint, j, c.RetFull, c.RetRem)
		api.AssertIsEqual(api.Mul(in, api.Sub(1, prev)), 0)
		prev = in
		count = api.Add(count, in)
		partCount = api.Add(partCount, part)
		partAt = api.Add(partAt, api.Mul(part, j))
		used := api.Add(in, part)
		idx := api.Mul(used, api.Add(c.RetOff, j))
		words[j] = Word{Hi: b.memEndHi.Lookup(idx)[0], Lo: b.memEndLo.Lookup(idx)[0]}
		if b.s.UnalignedReturn {
			// The word at byte offset 32·(RetOff+j) + RetByte: the tail of
			// word j and the head of word j+1 (0 when RetByte is 0).
			idx2 := api.Mul(used, api.Add(c.RetOff, j+1))
			next := Word{Hi: b.memEndHi.Lookup(idx2)[0], Lo: b.memEndLo.Lookup(idx2)[0]}
			shl, shr := c.RetShl[j], c.RetShr[j]
			b.aluRows = append(b.aluRows,
				aluTuple{enable: used, op: aluShl, a: newCombo(0, api.Mul(c.RetByte, 8)), b: newCombo(words[j].Hi, words[j].Lo), c: newCombo(shl.Hi, shl.Lo)},
				aluTuple{enable: used, op: aluShr, a: newCombo(0, api.Sub(256, api.Mul(c.RetByte, 8))), b: newCombo(next.Hi, next.Lo), c: newCombo(shr.Hi, shr.Lo)})
			words[j] = Word{Hi: api.Add(shl.Hi, shr.Hi), Lo: api.Add(shl.Lo, shr.Lo)}
			b.committed = append(b.committed, shl.Hi, shl.Lo, shr.Hi, shr.Lo)
		}
		partial = Word{Hi: api.Add(partial.Hi, api.Mul(part, words[j].Hi)), Lo: api.Add(partial.Lo, api.Mul(part, words[j].Lo))}
		ins[j], parts[j] = in, part
	}
	api.AssertIsEqual(count, c.RetFull)
	api.AssertIsEqual(partCount, remNZ)
	api.AssertIsEqual(partAt, api.Mul(c.RetFull, remNZ))

	// The partly returned word, byte by byte, keeping its first RetRem bytes.
	var hiAll, loAll, hiKept, loKept frontend.Variable = 0, 0, 0, 0
	var kept frontend.Variable = 0
	prev = 1
	for k, byt := range c.RetPart {
		b.rc.Check(byt, 8)
		f := hint(lessThanHint, k, c.RetRem)
		api.AssertIsEqual(api.Mul(f, api.Sub(1, prev)), 0)
		prev = f
		kept = api.Add(kept, f)
		keep := api.Mul(f, byt)
		if k < 16 {
			hiAll, hiKept = api.Add(api.Mul(hiAll, 256), byt), api.Add(api.Mul(hiKept, 256), keep)
		} else {
			loAll, loKept = api.Add(api.Mul(loAll, 256), byt), api.Add(api.Mul(loKept, 256), keep)
		}
	}
	api.AssertIsEqual(kept, c.RetRem)
	api.AssertIsEqual(hiAll, partial.Hi)
	api.AssertIsEqual(loAll, partial.Lo)
	for j := range c.Return {
		api.AssertIsEqual(c.Return[j].Hi, api.Add(api.Mul(ins[j], words[j].Hi), api.Mul(parts[j], hiKept)))
		api.AssertIsEqual(c.Return[j].Lo, api.Add(api.Mul(ins[j], words[j].Lo), api.Mul(parts[j], loKept)))
	}
}

// The commitment's Poseidon2: width 3, as a sponge of rate 2, with the
// round constants gnark derives for the circuit's field.
const (
	spongeWidth         = 3
	spongeFullRounds    = 8
	spongePartialRounds = 56
)

// sponge hashes a fixed-length list: the capacity element starts at the
// length, each permutation absorbs two elements, the first state element
// is the digest.
func sponge(api frontend.API, elems []frontend.Variable) (frontend.Variable, error) {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, spongeWidth, spongeFullRounds, spongePartialRounds)
	if err != nil {
		return nil, fmt.Errorf("verifier: poseidon2: %w", err)
	}
	state := []frontend.Variable{0, 0, len(elems)}
	for i := 0; i < len(elems); i += 2 {
		state[0] = api.Add(state[0], elems[i])
		if i+1 < len(elems) {
			state[1] = api.Add(state[1], elems[i+1])
		}
		if err := perm.Permutation(state); err != nil {
			return nil, fmt.Errorf("verifier: poseidon2: %w", err)
		}
	}
	return state[0], nil
}

// publicElements lists the bound values as field elements: code and
// calldata packed 31 bytes per element.
func publicElements(api frontend.API, c *FrameWitness, reverted frontend.Variable) []frontend.Variable {
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
	for _, w := range append([]Word{c.Caller, c.Origin, c.Address, c.Value}, c.Context[:]...) {
		out = append(out, w.Hi, w.Lo)
	}
	for _, sl := range c.Storage {
		out = append(out, api.Add(sl.KeyHi, api.Mul(sl.Used, two128)), sl.KeyLo, sl.InitHi, sl.InitLo, sl.FinalHi, sl.FinalLo)
	}
	out = append(out, c.RetLen)
	for _, w := range c.Return {
		out = append(out, w.Hi, w.Lo)
	}
	for _, e := range c.Logs {
		out = append(out, api.Add(e.Used, api.Mul(e.N, 2), api.Mul(e.Len, 16)))
		for _, w := range e.Topics {
			out = append(out, w.Hi, w.Lo)
		}
		for _, w := range e.Data {
			out = append(out, w.Hi, w.Lo)
		}
	}
	for j := range c.Calls {
		out = publicCallElements(api, out, &c.Calls[j])
	}
	for _, e := range c.Reads {
		out = append(out, api.Add(e.Used, api.Mul(e.Kind, 2)), e.Key.Hi, e.Key.Lo, e.Value.Hi, e.Value.Lo)
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
	for len(pows) < 12 {
		pows = append(pows, api.Mul(pows[len(pows)-1], beta))
	}
	var writes, reads frontend.Variable = 0, 0
	for _, a := range b.accesses {
		fp := api.Add(a.key, a.value.value(api, pows))
		if a.data != nil {
			fp = api.Add(fp, api.Mul(pows[2], a.data.value(api, pows)))
		}
		term := api.DivUnchecked(a.enable, api.Sub(alpha, fp))
		if a.write {
			writes = api.Add(writes, term)
		} else {
			reads = api.Add(reads, term)
		}
	}
	api.AssertIsEqual(writes, reads)

	// ALU bus: op + β·aHi + β²·aLo + β³·bHi + β⁴·bLo + β⁵·cHi + β⁶·cLo.
	var rows, table frontend.Variable = 0, 0
	for _, t := range b.aluRows {
		fp := api.Add(t.op, t.a.value(api, pows), api.Mul(pows[2], t.b.value(api, pows)), api.Mul(pows[4], t.c.value(api, pows)))
		if t.gate != nil {
			fp = api.Add(fp, api.Mul(t.gate, api.Add(api.Mul(pows[6], t.d.value(api, pows)), api.Mul(pows[8], t.e.value(api, pows)), api.Mul(pows[11], t.j))))
		}
		rows = api.Add(rows, api.DivUnchecked(t.enable, api.Sub(alpha, fp)))
	}
	for _, t := range b.aluTable {
		fp := api.Add(t.op, api.Mul(pows[1], t.a.hi), api.Mul(pows[2], t.a.lo), api.Mul(pows[3], t.b.hi),
			api.Mul(pows[4], t.b.lo), api.Mul(pows[5], t.c.hi), api.Mul(pows[6], t.c.lo))
		if t.d != nil {
			ext := api.Add(api.Mul(pows[7], t.d.hi), api.Mul(pows[8], t.d.lo), api.Mul(pows[9], t.e.hi), api.Mul(pows[10], t.e.lo), api.Mul(pows[11], t.j))
			if t.gate != nil {
				ext = api.Mul(t.gate, ext)
			}
			fp = api.Add(fp, ext)
		}
		table = api.Add(table, api.DivUnchecked(t.enable, api.Sub(alpha, fp)))
	}
	api.AssertIsEqual(rows, table)

	// Exponentiation chains: every state taken was given.
	var given, taken frontend.Variable = 0, 0
	link := func(l expLink) frontend.Variable {
		fp := api.Add(0x45, l.state[0].value(api, pows), api.Mul(pows[2], l.state[1].value(api, pows)),
			api.Mul(pows[4], l.state[2].value(api, pows)), api.Mul(pows[6], l.state[3].value(api, pows)))
		return api.DivUnchecked(l.enable, api.Sub(alpha, fp))
	}
	for _, l := range b.expGiven {
		given = api.Add(given, link(l))
	}
	for _, l := range b.expTaken {
		taken = api.Add(taken, link(l))
	}
	api.AssertIsEqual(given, taken)

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
