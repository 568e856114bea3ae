package verifier

import "fmt"

// Shape fixes the capacities of one circuit: a trace that fits is proven
// by that circuit's keys, whatever its length, with unused capacity
// padded. Larger shapes prove longer executions at a higher fixed cost.
type Shape struct {
	// Steps is the number of main-trace rows: executed instructions (an
	// unaligned MLOAD or MSTORE, ADDMOD and MULMOD take two, a copy one
	// per memory word it writes).
	Steps int
	// Code and Calldata are capacities in bytes.
	Code, Calldata int
	// Stack is the deepest stack, Memory the highest memory word (32
	// bytes) plus one, Storage the number of distinct storage slots.
	Stack, Memory, Storage int
	// Return is the capacity of the return data in 32-byte words.
	Return int
	// Add is the capacity of the addition table (ADD, SUB, LT, GT, SLT,
	// SGT, EQ, ISZERO, NOT steps), Mul of the multiplication table (MUL,
	// DIV, MOD, SHL, SHR), Bit of the bitwise table (AND, OR, XOR).
	Add, Mul, Bit int
	// Splice is the capacity of the splice table: two entries per
	// unaligned MSTORE or MLOAD, one per MSTORE8.
	Splice int
	// Exp is the capacity of the exponentiation table: an EXP with an
	// n-bit exponent takes n+2 entries and up to 2n multiplication
	// entries. Zero: EXP is refused.
	Exp int
	// Mod is the capacity of the modulo table: one entry per ADDMOD or
	// MULMOD (each also uses two or four multiplication entries). Zero:
	// they are refused.
	Mod int
	// Copy is the capacity of the copy table: one entry per memory word a
	// CALLDATACOPY or CODECOPY writes. Zero: they are refused, and their
	// rows cost nothing.
	Copy int
	// Keccak is the capacity of the keccak table: one entry (one
	// Keccak-f permutation) per KECCAK256 of 1 to 135 bytes. Zero:
	// KECCAK256 is refused, and its rows cost nothing.
	Keccak int
	// KeccakLong is the number of long entries of the keccak table, each
	// of KeccakBlocks Keccak-f permutations: one per KECCAK256 of up to
	// 136·KeccakBlocks - 1 bytes (a shorter one takes a long entry only
	// when the short ones are full). Zero: KECCAK256 of more than 135
	// bytes is refused. Long entries need Keccak > 0 and KeccakBlocks ≥ 2.
	KeccakLong, KeccakBlocks int
	// KeccakClaims leaves the keccak table's hashes to the circuit around
	// the frame: the frame's circuit hashes nothing and builds no keccak
	// lookup tables; each entry's hash is a witness value, and
	// FrameOutcome.Keccak hands out each entry's input and hash for that
	// circuit to prove (the batch proof does, once per distinct input,
	// in its keccak segments). A frame proof of its own (Compile)
	// refuses such a shape. It needs Keccak > 0.
	KeccakClaims bool
	// Logs is the capacity of the public log list: LOG0 to LOG4 steps,
	// each with up to LogData words of data (from an offset that is a
	// multiple of 32). Zero: LOG is refused, and its rows cost nothing.
	Logs, LogData int
	// Transient is the number of distinct transient storage slots (TLOAD,
	// TSTORE) a proof holds: a private list, each slot zero at the start.
	// Zero: TLOAD and TSTORE are refused, and their rows cost nothing.
	Transient int
	// TransientCarried starts each transient slot at the value its Init
	// holds, a witness value the circuit around the frame must bind (the
	// batch proof reads it from what the transaction's frames before
	// left), instead of at zero. A frame proof of its own (Compile)
	// refuses such a shape. It needs Transient > 0.
	TransientCarried bool
	// Calls is the capacity of the public call list: CALL, STATICCALL
	// and DELEGATECALL steps, each with up to CallData words of input
	// (from an offset that is a multiple of 32) and CallReturn words of
	// return data, of which it writes whole words to an aligned return
	// area (as many as the area takes, or as the return data has). The callee's execution is another frame's proof; this one
	// binds what the frame handed it and what it got back. Calls also
	// enables RETURNDATASIZE and GAS. Zero: they are refused, and their
	// rows cost nothing.
	Calls, CallData, CallReturn int
	// Mcopy is the capacity of the MCOPY table: one entry per MCOPY of
	// up to McopyWords destination words, from any source offset to any
	// destination offset. It needs the copy table (Copy > 0), whose empty
	// copy an MCOPY of no bytes is. Zero: MCOPY is refused, and its rows
	// cost nothing.
	Mcopy, McopyWords int
	// Rdc is the capacity of the RETURNDATACOPY table: one entry per
	// RETURNDATACOPY of up to RdcWords destination words, from the return
	// data of the frame's last call (in the call list, which it needs:
	// Calls > 0). Zero: RETURNDATACOPY is refused, and its rows cost
	// nothing.
	Rdc, RdcWords int
	// Reads is the capacity of the public read list: EXTCODESIZE,
	// EXTCODEHASH, BALANCE and BLOCKHASH steps, each the value the frame
	// read; whoever checks the proof checks those values against the
	// chain. Zero: they are refused, and their rows cost nothing.
	Reads int
	// Msize adds the memory-size column MSIZE reads (about 14 constraints
	// a row); without it MSIZE is refused.
	Msize bool
	// UnalignedReturn lets RETURN and REVERT start at any offset (two
	// multiplication entries per returned word); without it the offset
	// must be a multiple of 32.
	UnalignedReturn bool
}

// Shapes are the circuit shapes with keys, smallest first.
var Shapes = []Shape{
	{Steps: 256, Code: 384, Calldata: 40, Stack: 32, Memory: 8, Storage: 4, Return: 2, Add: 40, Mul: 6, Bit: 4, Splice: 2},
	{Steps: 1 << 10, Code: 1024, Calldata: 256, Stack: 64, Memory: 32, Storage: 8, Return: 4, Add: 160, Mul: 40, Bit: 24, Splice: 4, Exp: 16, Mod: 4, Copy: 8, Msize: true, UnalignedReturn: true},
	// The ERC20 shape: a transfer with its hashes and its event, or the
	// ballot box's vote with its L1CALL.
	{Steps: 1 << 10, Code: 2048, Calldata: 256, Stack: 64, Memory: 32, Storage: 8, Return: 4, Add: 160, Mul: 40, Bit: 24, Splice: 16, Exp: 16, Mod: 4, Copy: 8, Keccak: 4, Logs: 2, LogData: 2, Transient: 4, Calls: 2, CallData: 4, CallReturn: 4, Mcopy: 2, McopyWords: 4, Rdc: 2, RdcWords: 4, Reads: 4, Msize: true, UnalignedReturn: true},
	// (its unaligned stores: an ERC721's safeTransferFrom into a receiver
	// makes 10)
	{Steps: 1 << 12, Code: 2048, Calldata: 512, Stack: 128, Memory: 64, Storage: 16, Return: 8, Add: 1024, Mul: 192, Bit: 128, Splice: 32, Exp: 64, Mod: 16, Copy: 32, Keccak: 8, Logs: 4, LogData: 4, Transient: 8, Calls: 4, CallData: 8, CallReturn: 4, Mcopy: 4, McopyWords: 8, Rdc: 4, RdcWords: 4, Reads: 8, Msize: true, UnalignedReturn: true},
	// The largest: EIP-170's code size; a Uniswap-V2-style pair's swap
	// (66 unaligned stores: its calls' ABI encoding) and mint.
	{Steps: 1 << 14, Code: 24576, Calldata: 1024, Stack: 256, Memory: 128, Storage: 32, Return: 16, Add: 4096, Mul: 768, Bit: 512, Splice: 128, Exp: 256, Mod: 64, Copy: 128, Keccak: 16, KeccakLong: 2, KeccakBlocks: 8, Logs: 8, LogData: 8, Transient: 16, Calls: 8, CallData: 8, CallReturn: 8, Mcopy: 8, McopyWords: 8, Rdc: 8, RdcWords: 8, Reads: 16, Msize: true, UnalignedReturn: true},
}

// Name is a file-name-safe identifier of the shape, used for key files.
func (s Shape) Name() string {
	msize := ""
	if s.Msize {
		msize = "-msize"
	}
	if s.UnalignedReturn {
		msize += "-uret"
	}
	if s.Copy > 0 {
		msize = fmt.Sprintf("-copy%d", s.Copy) + msize
	}
	if s.Keccak > 0 {
		claims := ""
		if s.KeccakClaims {
			claims = "c"
		}
		msize = fmt.Sprintf("-keccak%d%s", s.Keccak, claims) + msize
	}
	if s.KeccakLong > 0 {
		msize = fmt.Sprintf("-klong%dx%d", s.KeccakLong, s.KeccakBlocks) + msize
	}
	if s.Logs > 0 {
		msize = fmt.Sprintf("-logs%dx%d", s.Logs, s.LogData) + msize
	}
	if s.Transient > 0 {
		carried := ""
		if s.TransientCarried {
			carried = "c"
		}
		msize = fmt.Sprintf("-tsto%d%s", s.Transient, carried) + msize
	}
	if s.Calls > 0 {
		msize = fmt.Sprintf("-calls%dx%dx%d", s.Calls, s.CallData, s.CallReturn) + msize
	}
	if s.Mcopy > 0 {
		msize = fmt.Sprintf("-mcopy%dx%d", s.Mcopy, s.McopyWords) + msize
	}
	if s.Rdc > 0 {
		msize = fmt.Sprintf("-rdc%dx%d", s.Rdc, s.RdcWords) + msize
	}
	if s.Reads > 0 {
		msize = fmt.Sprintf("-reads%d", s.Reads) + msize
	}
	return fmt.Sprintf("steps%d-code%d-cd%d-stack%d-mem%d-sto%d-ret%d-add%d-mul%d-bit%d-spl%d-exp%d-mod%d%s",
		s.Steps, s.Code, s.Calldata, s.Stack, s.Memory, s.Storage, s.Return, s.Add, s.Mul, s.Bit, s.Splice, s.Exp, s.Mod, msize)
}

func (s Shape) validate() error {
	if s.Steps < 2 || s.Code < 1 || s.Calldata < 1 || s.Stack < 1 || s.Memory < 1 || s.Storage < 1 || s.Return < 1 || s.Add < 1 || s.Mul < 1 || s.Bit < 1 || s.Splice < 1 {
		return fmt.Errorf("%w: every capacity of shape %s must be positive", ErrCapacity, s.Name())
	}
	if s.Logs > 0 && s.LogData < 1 {
		return fmt.Errorf("%w: shape %s has logs without data words", ErrCapacity, s.Name())
	}
	if s.Mcopy > 0 && (s.McopyWords < 1 || s.Copy < 1) {
		return fmt.Errorf("%w: shape %s has MCOPY without destination words or without the copy table", ErrCapacity, s.Name())
	}
	if s.Rdc > 0 && (s.RdcWords < 1 || s.Calls < 1) {
		return fmt.Errorf("%w: shape %s has RETURNDATACOPY without destination words or without calls", ErrCapacity, s.Name())
	}
	if s.Calls > 0 && (s.CallData < 1 || s.CallReturn < 1) {
		return fmt.Errorf("%w: shape %s has calls without input or return words", ErrCapacity, s.Name())
	}
	if s.KeccakLong > 0 && (s.Keccak < 1 || s.KeccakBlocks < 2 || s.KeccakBlocks > 64) {
		return fmt.Errorf("%w: shape %s has long keccak entries without short ones or of %d blocks (2 to 64)", ErrCapacity, s.Name(), s.KeccakBlocks)
	}
	if s.KeccakClaims && s.Keccak < 1 {
		return fmt.Errorf("%w: shape %s has keccak claims without keccak entries", ErrCapacity, s.Name())
	}
	if s.TransientCarried && s.Transient < 1 {
		return fmt.Errorf("%w: shape %s carries transient slots without a transient list", ErrCapacity, s.Name())
	}
	if s.Exp < 0 || s.Mod < 0 || s.Copy < 0 || s.Keccak < 0 || s.KeccakLong < 0 || s.Logs < 0 || s.LogData < 0 || s.Transient < 0 || s.Calls < 0 || s.CallData < 0 || s.CallReturn < 0 || s.Mcopy < 0 || s.McopyWords < 0 || s.Rdc < 0 || s.RdcWords < 0 || s.Reads < 0 {
		return fmt.Errorf("%w: negative exponentiation capacity in shape %s", ErrCapacity, s.Name())
	}
	if s.Steps > 1<<16 || s.Stack > 1024 || s.Memory > 1<<16 {
		return fmt.Errorf("%w: shape %s is larger than the circuit supports", ErrCapacity, s.Name())
	}
	return nil
}

// hasK reports whether rows of shape s have the word-index column K that
// copies and KECCAK256 count their words with.
func (s Shape) hasK() bool { return s.Copy > 0 || s.Keccak > 0 || s.Logs > 0 || s.Calls > 0 }
