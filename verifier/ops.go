package verifier

import (
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// family groups the opcodes whose rows share constraints. Every active row
// of the main trace sets exactly one family flag; the opcode table ties the
// row's opcode to its family and its aux value.
type family int

const (
	famNone family = iota // inactive rows
	famStop
	famReturn
	famRevert
	famPush // aux: immediate length
	famDup  // aux: n
	famSwap // aux: n
	famPop
	famJump
	famJumpi
	famJumpdest
	famAlu2 // aux: ALU operation; two operands
	famAlu1 // aux: ALU operation; one operand
	famEnv  // aux: env index
	famPC
	famCalldataload
	famMload
	famMstore
	famSload
	famSstore
	famMstoreLo // an unaligned MSTORE's first row: the first word
	famMstoreHi // its second row: the next word, then the pops
	famMloadLo  // an unaligned MLOAD's first row: pushes the first word's part
	famMloadHi  // its second row: joins the next word's part, pushes the value
	famMstore8
	famModA // ADDMOD/MULMOD's first row: reads a and b
	famModB // its second row: reads N, pushes the result
	famMsize
	famCopyMid     // a CALLDATACOPY or CODECOPY row that writes one word and stays at pc
	famCopyEnd     // the copy's last row: writes its last word, pops the operands
	famCopyEmpty   // a copy of zero bytes: pops the operands, touches no memory
	famKeccakMid   // a KECCAK256 row that reads one input word and stays at pc
	famKeccakEnd   // its last row: reads the last word, pushes the hash
	famKeccakEmpty // KECCAK256 of zero bytes: pushes the empty input's hash
	famLogData     // a LOGn row that reads one data word and stays at pc
	famLogSizeMid  // LOGn's row that pops the offset and size (n > 0)
	famLogSizeEnd  // LOG0's last row: pops the offset and size
	famLogTopicMid // a LOGn row that pops a topic and stays at pc
	famLogTopicEnd // LOGn's last row (n > 0): pops the last topic
	famTload       // TLOAD: transient storage, as SLOAD
	famTstore      // TSTORE: as SSTORE
	famCallParam   // a CALL, STATICCALL or DELEGATECALL row that pops gas, address or value and stays at pc
	famCallData    // a call row that reads one word of the call's input and stays at pc
	famCallSize    // the call's row that pops the input's offset and size
	famCallRet     // a call row that writes one word of the return data to memory and stays at pc
	famCallEnd     // the call's last row: pops the return area, pushes the success flag
	famRetSize     // RETURNDATASIZE: the last call's return data size, from its own cell
	famGas         // GAS: the gas left, a value of the prover's (gas is not proven)
	famMcSrcMid    // an MCOPY row that reads one source word and stays at pc
	famMcSrcEnd    // its last source row: the next row writes the first destination word
	famMcDstMid    // an MCOPY row that writes one destination word and stays at pc
	famMcDstEnd    // its last row: writes the last word, pops the operands
	famRdcHead     // RETURNDATACOPY's first row: reads the return data size cell
	famRdcEmpty    // RETURNDATACOPY of no bytes: reads the cell, pops the operands
	famRdcMid      // a RETURNDATACOPY row that writes one word and stays at pc
	famRdcEnd      // its last row: writes the last word, pops the operands
	famRead        // EXTCODESIZE, EXTCODEHASH, BALANCE, BLOCKHASH: a value of the chain's, from the public read list
	numFamilies
)

// famInfo is what a family does to the stack: how many items it needs,
// how the height changes, which ports it uses.
type famInfo struct {
	need, delta    int
	r0, r1, w0, w1 bool
	halt           bool
}

var families = [numFamilies]famInfo{
	famStop:         {halt: true},
	famReturn:       {need: 2, delta: -2, r0: true, r1: true, halt: true},
	famRevert:       {need: 2, delta: -2, r0: true, r1: true, halt: true},
	famPush:         {delta: 1, w0: true},
	famDup:          {delta: 1, r0: true, w0: true},           // need = n
	famSwap:         {r0: true, r1: true, w0: true, w1: true}, // need = n + 1
	famPop:          {need: 1, delta: -1, r0: true},
	famJump:         {need: 1, delta: -1, r0: true},
	famJumpi:        {need: 2, delta: -2, r0: true, r1: true},
	famJumpdest:     {},
	famAlu2:         {need: 2, delta: -1, r0: true, r1: true, w0: true},
	famAlu1:         {need: 1, r0: true, w0: true},
	famEnv:          {delta: 1, w0: true},
	famPC:           {delta: 1, w0: true},
	famCalldataload: {need: 1, r0: true, w0: true},
	famMload:        {need: 1, r0: true, w0: true},
	famMstore:       {need: 2, delta: -2, r0: true, r1: true},
	famSload:        {need: 1, r0: true, w0: true},
	famSstore:       {need: 2, delta: -2, r0: true, r1: true},
	famMstoreLo:     {need: 2, r0: true, r1: true},
	famMstoreHi:     {need: 2, delta: -2, r0: true, r1: true},
	famMloadLo:      {need: 1, delta: 1, r0: true, w0: true},
	famMloadHi:      {need: 2, delta: -1, r0: true, r1: true, w0: true},
	famMstore8:      {need: 2, delta: -2, r0: true, r1: true},
	famModA:         {need: 3, r0: true, r1: true},
	famModB:         {need: 3, delta: -2, r0: true, w0: true},
	famMsize:        {delta: 1, w0: true},
	// Copy rows read the destination (R0), the source offset (R1) and the
	// size (W0, written back unchanged); an empty copy reads only the size.
	famCopyMid:   {need: 3, r0: true, r1: true, w0: true},
	famCopyEnd:   {need: 3, delta: -3, r0: true, r1: true, w0: true},
	famCopyEmpty: {need: 3, delta: -3, r0: true},
	// KECCAK256 rows read the offset (R0) and the size (R1); the last
	// row, or the only one of an empty input, pops them and pushes the
	// hash (W0).
	famKeccakMid:   {need: 2, r0: true, r1: true},
	famKeccakEnd:   {need: 2, delta: -1, r0: true, r1: true, w0: true},
	famKeccakEmpty: {need: 2, delta: -1, r0: true, r1: true, w0: true},
	// LOGn rows read the offset (R0) and the size (R1) while they read
	// data, pop both, then pop one topic a row (R0).
	famLogData:     {need: 2, r0: true, r1: true},
	famLogSizeMid:  {need: 2, delta: -2, r0: true, r1: true},
	famLogSizeEnd:  {need: 2, delta: -2, r0: true, r1: true},
	famLogTopicMid: {need: 1, delta: -1, r0: true},
	famLogTopicEnd: {need: 1, delta: -1, r0: true},
	famTload:       {need: 1, r0: true, w0: true},
	famTstore:      {need: 2, delta: -2, r0: true, r1: true},
	// A call's rows pop gas, the address and (CALL) the value one a row
	// (R0), read the input words with its offset (R0) and size (R1) on
	// top, pop both, write the return words with the return area's
	// offset (R0) and size (R1) on top, and pop those pushing the
	// success flag (W0).
	famCallParam: {need: 1, delta: -1, r0: true},
	famCallData:  {need: 2, r0: true, r1: true},
	famCallSize:  {need: 2, delta: -2, r0: true, r1: true},
	famCallRet:   {need: 2, r0: true, r1: true},
	famCallEnd:   {need: 2, delta: -1, r0: true, r1: true, w0: true},
	famRetSize:   {delta: 1, w0: true},
	famGas:       {delta: 1, w0: true},
	// MCOPY rows read the size in W0, written back unchanged, as copies
	// do; source rows read the source (R0) and destination (R1),
	// destination rows the other way round.
	famMcSrcMid: {need: 3, r0: true, r1: true, w0: true},
	famMcSrcEnd: {need: 3, r0: true, r1: true, w0: true},
	famMcDstMid: {need: 3, r0: true, r1: true, w0: true},
	famMcDstEnd: {need: 3, delta: -3, r0: true, r1: true, w0: true},
	// RETURNDATACOPY rows read the destination (R0), the source offset
	// (R1) and the size (W0, written back unchanged), as copies do; the
	// first reads the return data size cell in Data.
	famRdcHead:  {need: 3, r0: true, r1: true, w0: true},
	famRdcEmpty: {need: 3, delta: -3, r0: true, r1: true, w0: true},
	famRdcMid:   {need: 3, r0: true, r1: true, w0: true},
	famRdcEnd:   {need: 3, delta: -3, r0: true, r1: true, w0: true},
	famRead:     {need: 1, r0: true, w0: true},
}

// ALU operations (aux of famAlu1 and famAlu2 rows). The addition table
// proves aluAdd..aluNot, the multiplication table aluMul..aluDivwide, the
// bitwise table aluAnd..aluXor.
const (
	aluAdd = iota + 1
	aluSub
	aluLt
	aluGt
	aluEq
	aluIszero
	aluSlt
	aluSgt
	aluNot
	aluMul
	aluDiv
	aluMod
	aluShl
	aluShr
	aluSar
	aluByte
	aluSignext
	aluSdiv
	aluSmod
	aluMulhi   // the high 256 bits of A·B (MULMOD)
	aluDivwide // (D·2^256 + A) mod B, D < B carried on the bus (ADDMOD, MULMOD)
	aluAnd
	aluOr
	aluXor
	aluSpliceLo // an unaligned store into its first word
	aluSpliceHi // an unaligned store into the next word
	aluSpliceLoadLo
	aluSpliceLoadHi
	aluSpliceByte // MSTORE8
	aluExp
	aluAddmodA // the two rows of ADDMOD and MULMOD, joined in the modulo table
	aluAddmodB
	aluMulmodA
	aluMulmodB
	aluCopyCalldataMid // a copy row's word, by source and by whether more follow
	aluCopyCalldataEnd
	aluCopyCodeMid
	aluCopyCodeEnd
	aluKeccakMid // a KECCAK256 row's word, by whether more follow
	aluKeccakEnd
	aluLogData  // a LOGn data row's word
	aluLogSize0 // a LOGn size row: aluLogSize0 + n
	aluLogSize1
	aluLogSize2
	aluLogSize3
	aluLogSize4
	aluLogTopicMid // a LOGn topic row, by whether more follow
	aluLogTopicEnd
	aluCallParam // a call's rows, as the call entry sends them (see CallEntry)
	aluCallData
	aluCallSize
	aluCallRet
	aluCallEnd0 // the last row of a CALL: aluCallEnd0 + kind (callKind)
	aluCallEnd1
	aluCallEnd2
	aluMcSrcMid // MCOPY's rows, as its entry sends them (see McopyEntry)
	aluMcSrcEnd
	aluMcDstMid
	aluMcDstEnd
	aluRdcHead // RETURNDATACOPY's rows, as its entry sends them (see RdcEntry)
	aluRdcEmpty
	aluRdcMid
	aluRdcEnd
	aluExtcodesize // a state read, by what it reads (see StateEntry)
	aluExtcodehash
	aluBalance
	aluBlockhash
	numAluOps
)

// Ranges of ALU operations per table.
const (
	addFirst, addLast       = aluAdd, aluNot
	mulFirst, mulLast       = aluMul, aluDivwide
	bitFirst, bitLast       = aluAnd, aluXor
	spliceFirst, spliceLast = aluSpliceLo, aluSpliceByte
	modFirst, modLast       = aluAddmodA, aluMulmodB
	copyFirst, copyLast     = aluCopyCalldataMid, aluCopyCodeEnd
)

// env indexes (aux of famEnv rows) into the environment table.
const (
	envCaller = iota
	envOrigin
	envAddress
	envCallvalue
	envCalldatasize
	envCodesize
	// The block and transaction context, in contextWords' order.
	envCoinbase
	envTimestamp
	envNumber
	envPrevrandao
	envGaslimit
	envChainid
	envBasefee
	envGasprice
	envSelfbalance
	numEnv
)

// numContext is the number of context words a proof binds: the values
// of trace.Context.Values, in the order of the environment table from
// envCoinbase on (TestContextOrder).
const numContext = numEnv - envCoinbase

// The two counts agree: an array of negative length does not compile.
var (
	_ [numContext - trace.NumContext]struct{}
	_ [trace.NumContext - numContext]struct{}
)

// contextWords is a context and a balance as the circuit's words, in the
// environment table's order.
func contextWords(c *trace.Context, balance *uint256.Int) [numContext]Word {
	var out [numContext]Word
	for i, v := range c.Values(balance) {
		out[i] = word(&v)
	}
	return out
}

// opSpec is the family and aux value of a supported opcode.
type opSpec struct {
	fam family
	aux int
}

// opcodes maps every supported opcode to its row description; an opcode
// missing here is refused by the prover and has no row in the circuit.
var opcodes = func() map[vm.OpCode]opSpec {
	m := map[vm.OpCode]opSpec{
		vm.STOP:           {famStop, 0},
		vm.RETURN:         {famReturn, 0},
		vm.REVERT:         {famRevert, 0},
		vm.POP:            {famPop, 0},
		vm.JUMP:           {famJump, 0},
		vm.JUMPI:          {famJumpi, 0},
		vm.JUMPDEST:       {famJumpdest, 0},
		vm.ADD:            {famAlu2, aluAdd},
		vm.SUB:            {famAlu2, aluSub},
		vm.LT:             {famAlu2, aluLt},
		vm.GT:             {famAlu2, aluGt},
		vm.EQ:             {famAlu2, aluEq},
		vm.ISZERO:         {famAlu1, aluIszero},
		vm.SLT:            {famAlu2, aluSlt},
		vm.SGT:            {famAlu2, aluSgt},
		vm.NOT:            {famAlu1, aluNot},
		vm.MUL:            {famAlu2, aluMul},
		vm.DIV:            {famAlu2, aluDiv},
		vm.MOD:            {famAlu2, aluMod},
		vm.SHL:            {famAlu2, aluShl},
		vm.SHR:            {famAlu2, aluShr},
		vm.SAR:            {famAlu2, aluSar},
		vm.BYTE:           {famAlu2, aluByte},
		vm.SIGNEXTEND:     {famAlu2, aluSignext},
		vm.SDIV:           {famAlu2, aluSdiv},
		vm.SMOD:           {famAlu2, aluSmod},
		vm.AND:            {famAlu2, aluAnd},
		vm.OR:             {famAlu2, aluOr},
		vm.XOR:            {famAlu2, aluXor},
		vm.CALLER:         {famEnv, envCaller},
		vm.ORIGIN:         {famEnv, envOrigin},
		vm.ADDRESS:        {famEnv, envAddress},
		vm.CALLVALUE:      {famEnv, envCallvalue},
		vm.CALLDATASIZE:   {famEnv, envCalldatasize},
		vm.CODESIZE:       {famEnv, envCodesize},
		vm.COINBASE:       {famEnv, envCoinbase},
		vm.TIMESTAMP:      {famEnv, envTimestamp},
		vm.NUMBER:         {famEnv, envNumber},
		vm.PREVRANDAO:     {famEnv, envPrevrandao},
		vm.GASLIMIT:       {famEnv, envGaslimit},
		vm.CHAINID:        {famEnv, envChainid},
		vm.BASEFEE:        {famEnv, envBasefee},
		vm.GASPRICE:       {famEnv, envGasprice},
		vm.SELFBALANCE:    {famEnv, envSelfbalance},
		vm.PC:             {famPC, 0},
		vm.CALLDATALOAD:   {famCalldataload, 0},
		vm.MLOAD:          {famMload, 0},
		vm.MSTORE:         {famMstore, 0},
		vm.MSTORE8:        {famMstore8, aluSpliceByte},
		vm.EXP:            {famAlu2, aluExp},
		vm.ADDMOD:         {famModA, aluAddmodA},
		vm.MSIZE:          {famMsize, 0},
		vm.MULMOD:         {famModA, aluMulmodA},
		vm.SLOAD:          {famSload, 0},
		vm.SSTORE:         {famSstore, 0},
		vm.TLOAD:          {famTload, 0},
		vm.TSTORE:         {famTstore, 0},
		vm.CALLDATACOPY:   {famCopyEnd, aluCopyCalldataEnd},
		vm.CODECOPY:       {famCopyEnd, aluCopyCodeEnd},
		vm.KECCAK256:      {famKeccakEnd, aluKeccakEnd},
		vm.LOG0:           {famLogSizeEnd, aluLogSize0},
		vm.LOG1:           {famLogTopicEnd, aluLogTopicEnd},
		vm.LOG2:           {famLogTopicEnd, aluLogTopicEnd},
		vm.LOG3:           {famLogTopicEnd, aluLogTopicEnd},
		vm.LOG4:           {famLogTopicEnd, aluLogTopicEnd},
		vm.CALL:           {famCallEnd, aluCallEnd0 + callKindCall},
		vm.STATICCALL:     {famCallEnd, aluCallEnd0 + callKindStatic},
		vm.DELEGATECALL:   {famCallEnd, aluCallEnd0 + callKindDelegate},
		vm.RETURNDATASIZE: {famRetSize, 0},
		vm.GAS:            {famGas, 0},
		vm.MCOPY:          {famMcDstEnd, aluMcDstEnd},
		vm.RETURNDATACOPY: {famRdcEnd, aluRdcEnd},
		vm.EXTCODESIZE:    {famRead, aluExtcodesize},
		vm.EXTCODEHASH:    {famRead, aluExtcodehash},
		vm.BALANCE:        {famRead, aluBalance},
		vm.BLOCKHASH:      {famRead, aluBlockhash},
	}
	for n := range 33 {
		m[vm.PUSH0+vm.OpCode(n)] = opSpec{famPush, n}
	}
	for n := 1; n <= 16; n++ {
		m[vm.DUP1+vm.OpCode(n-1)] = opSpec{famDup, n}
		m[vm.SWAP1+vm.OpCode(n-1)] = opSpec{famSwap, n}
	}
	return m
}()

// pushLen is the number of immediate bytes after opcode op.
func pushLen(op byte) int {
	if op >= byte(vm.PUSH1) && op <= byte(vm.PUSH32) {
		return int(op) - int(vm.PUSH1) + 1
	}
	return 0
}

// enabled reports whether shape s has the columns of family f: the
// memory-size, modulo and copy families exist only in shapes with that
// capacity, and cost nothing elsewhere.
func (s Shape) enabled(f family) bool {
	switch f {
	case famNone, numFamilies:
		return false
	case famMsize:
		return s.Msize
	case famModA, famModB:
		return s.Mod > 0
	case famCopyMid, famCopyEnd, famCopyEmpty:
		return s.Copy > 0
	case famKeccakMid, famKeccakEnd, famKeccakEmpty:
		return s.Keccak > 0
	case famLogData, famLogSizeMid, famLogSizeEnd, famLogTopicMid, famLogTopicEnd:
		return s.Logs > 0
	case famTload, famTstore:
		return s.Transient > 0
	case famCallParam, famCallData, famCallSize, famCallRet, famCallEnd, famRetSize, famGas:
		return s.Calls > 0
	case famMcSrcMid, famMcSrcEnd, famMcDstMid, famMcDstEnd:
		return s.Mcopy > 0
	case famRdcHead, famRdcEmpty, famRdcMid, famRdcEnd:
		return s.Rdc > 0
	case famRead:
		return s.Reads > 0
	}
	return true
}

// flagColumns lists the families that have a flag column in shape s, in
// column order. The slice is shared: callers must not change it.
func (s Shape) flagColumns() []family {
	return flagColumnSets[s.optionalFamilies()]
}

// flagColumn is the column of family f's flag in shape s, or -1.
func (s Shape) flagColumn(f family) int {
	return flagColumnIndex[s.optionalFamilies()][f]
}

// optionalFamilies numbers the sets of optional families a shape can have:
// one bit each for the memory-size, modulo, copy, keccak, log,
// transient-storage, call, MCOPY, RETURNDATACOPY and state-read families.
func (s Shape) optionalFamilies() int {
	n := 0
	for i, on := range []bool{s.Msize, s.Mod > 0, s.Copy > 0, s.Keccak > 0, s.Logs > 0, s.Transient > 0, s.Calls > 0, s.Mcopy > 0, s.Rdc > 0, s.Reads > 0} {
		if on {
			n |= 1 << i
		}
	}
	return n
}

// flagColumnSets and flagColumnIndex are flagColumns and flagColumn for
// each set of optional families, computed once.
var flagColumnSets, flagColumnIndex = func() (sets [1024][]family, index [1024][numFamilies + 1]int) {
	for n := range sets {
		s := Shape{Msize: n&1 != 0, Copy: n >> 2 & 1, Keccak: n >> 3 & 1, Logs: n >> 4 & 1, Transient: n >> 5 & 1, Calls: n >> 6 & 1,
			Mcopy: n >> 7 & 1, Rdc: n >> 8 & 1, Reads: n >> 9 & 1}
		if n&2 != 0 {
			s.Mod = 1
		}
		for f := range index[n] {
			index[n][f] = -1
		}
		for f := famStop; f < numFamilies; f++ {
			if s.enabled(f) {
				index[n][f] = len(sets[n])
				sets[n] = append(sets[n], f)
			}
		}
	}
	return sets, index
}()

// supports reports whether shape s proves opcode op.
func (s Shape) supports(op vm.OpCode) bool {
	spec, ok := opcodes[op]
	if !ok || !s.enabled(spec.fam) {
		return false
	}
	return op != vm.EXP || s.Exp > 0
}

// ContextChainID is the index of the chain id among a frame's context
// words (FrameWitness.Context), for a circuit that binds it.
const ContextChainID = envChainid - envCoinbase
