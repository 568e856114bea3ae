package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/uints"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// Keccak table limits: one Keccak-f permutation absorbs one 136-byte
// block, so a short entry (one permutation) holds an input of up to 135
// bytes (its padding takes at least one byte), read as up to five memory
// words, and a long entry of b blocks up to 136·b - 1.
const (
	keccakMaxInput = 135
	keccakRate     = 136
)

// keccakCapacity is the input bytes and memory words an entry of blocks
// permutations holds.
func keccakCapacity(blocks int) (bytes, words int) {
	bytes = keccakRate*blocks - 1
	return bytes, (bytes + 31) / 32
}

// newKeccakEntry is an unused entry of blocks permutations.
func newKeccakEntry(blocks int) KeccakEntry {
	_, w := keccakCapacity(blocks)
	e := KeccakEntry{Off: 0, ID: 0, Len: 0, Bytes: make([]frontend.Variable, 32*w)}
	zeros(e.Bytes)
	return e
}

// keccakHashes is the claimed hashes of n entries of shape s, zero: n
// where s has KeccakClaims, none otherwise.
func keccakHashes(s Shape, n int) []Word {
	if !s.KeccakClaims {
		return nil
	}
	out := make([]Word, n)
	for i := range out {
		out[i] = Word{Hi: 0, Lo: 0}
	}
	return out
}

// keccakEntries is n unused entries of blocks permutations.
func keccakEntries(n, blocks int) []KeccakEntry {
	out := make([]KeccakEntry, n)
	for i := range out {
		out[i] = newKeccakEntry(blocks)
	}
	return out
}

// rowIndexShift places a KECCAK256 or LOG row's index above its operation
// on the ALU bus: a row i sends op + 2^8·i, and the table entry whose
// rows start at row ID sends op + 2^8·(ID + k) for its k-th row.
const rowIndexShift = 1 << 8

// emptyKeccak is keccak256 of no bytes, which KECCAK256 of size 0 pushes.
var emptyKeccak = hashWord(crypto.Keccak256Hash())

// KeccakEntry is one hash of the keccak table: KECCAK256 of Len bytes
// (1 to the entry's capacity: 135 for a short entry, 136·b - 1 for a
// long one of b blocks) of memory from offset Off, whose rows start at
// row ID. Bytes are the memory words read, as many as the capacity
// needs (zero past the ones read); the hash takes their first Len bytes. Its tuples on the ALU bus are, for
// each word k read, (op + 2^8·(ID + k), Off, Len, H, word, word, 2^32·k)
// with op aluKeccakEnd and H the hash for the last word, aluKeccakMid and
// 0 for the others: exactly the tuples the KECCAK256 rows send, each
// row its own word.
type KeccakEntry struct {
	Off, ID, Len frontend.Variable
	Bytes        []frontend.Variable

	// input and hash are the bytes hashed and the hash the step pushed,
	// as assigned (a claim in a shape with KeccakClaims).
	input []byte
	hash  uint256.Int
}

// keccakTable constrains the keccak table: each entry's bytes are
// range-checked, its first Len hashed with the lookup gadget of package
// keccak (one Keccak-f permutation a block), and the digest goes on the
// bus with the words.
func (b *builder) keccakTable() error {
	if len(b.c.Keccak) == 0 {
		return nil
	}
	api := b.api
	uapi, err := uints.New[uints.U64](api)
	if err != nil {
		return fmt.Errorf("verifier: keccak: %w", err)
	}
	if b.s.KeccakClaims {
		// The hashes are claims: no keccak tables here.
		for i := range b.c.Keccak {
			if err := b.keccakEntry(uapi, nil, &b.c.Keccak[i], 1, &b.c.KeccakHashes[i]); err != nil {
				return err
			}
		}
		for i := range b.c.KeccakLong {
			if err := b.keccakEntry(uapi, nil, &b.c.KeccakLong[i], b.s.KeccakBlocks, &b.c.KeccakLongHashes[i]); err != nil {
				return err
			}
		}
		return nil
	}
	kh := keccak.New(api)
	for i := range b.c.Keccak {
		if err := b.keccakEntry(uapi, kh, &b.c.Keccak[i], 1, nil); err != nil {
			return err
		}
	}
	for i := range b.c.KeccakLong {
		if err := b.keccakEntry(uapi, kh, &b.c.KeccakLong[i], b.s.KeccakBlocks, nil); err != nil {
			return err
		}
	}
	return nil
}

// keccakEntry constrains one entry of blocks permutations. Where claim
// is not nil (KeccakClaims) the entry's hash is *claim, which the entry
// hands out with its input as a KeccakClaim, and kh is not used.
func (b *builder) keccakEntry(uapi *uints.BinaryField[uints.U64], kh *keccak.Hasher, e *KeccakEntry, blocks int, claim *Word) error {
	api := b.api
	capacity, words := keccakCapacity(blocks)
	{
		// in[p] = 1 if p < Len: ones then zeros, Len of them, none at
		// the capacity (so Len <= capacity). An entry with Len 0 is
		// unused: no word of it goes on the bus.
		in := make([]frontend.Variable, capacity+1)
		var sum frontend.Variable = 0
		for p := range in {
			out, err := api.Compiler().NewHint(lessThanHint, 1, p, e.Len)
			if err != nil {
				return err
			}
			in[p] = out[0]
			if p > 0 {
				api.AssertIsBoolean(api.Sub(in[p-1], in[p]))
			}
			sum = api.Add(sum, in[p])
		}
		api.AssertIsBoolean(in[0])
		api.AssertIsEqual(in[capacity], 0)
		api.AssertIsEqual(sum, e.Len)

		// Every byte of the words is a byte; the hash takes the first Len.
		bytes := make([]uints.U8, len(e.Bytes))
		for p, v := range e.Bytes {
			bytes[p] = uapi.ByteValueOf(v)
		}
		var hHi, hLo frontend.Variable = 0, 0
		if claim != nil {
			hHi, hLo = claim.Hi, claim.Lo
			input := make([]frontend.Variable, capacity)
			for p := range input {
				input[p] = api.Mul(e.Bytes[p], in[p])
			}
			b.claims = append(b.claims, KeccakClaim{Used: in[0], Len: e.Len, Input: input, Hash: *claim})
		} else {
			digest, err := kh.Sum(e.Bytes[:capacity], e.Len)
			if err != nil {
				return fmt.Errorf("verifier: keccak: %w", err)
			}
			for m, byt := range digest {
				if m < 16 {
					hHi = api.Add(api.Mul(hHi, 256), byt)
				} else {
					hLo = api.Add(api.Mul(hLo, 256), byt)
				}
			}
		}

		// One tuple per word read: word k is read if 32k < Len, and is the
		// last if word k+1 is not.
		for k := range words {
			var hi, lo frontend.Variable = 0, 0
			for q := range 32 {
				v := uapi.Value(bytes[32*k+q])
				if q < 16 {
					hi = api.Add(api.Mul(hi, 256), v)
				} else {
					lo = api.Add(api.Mul(lo, 256), v)
				}
			}
			read := in[32*k]
			var next frontend.Variable = 0
			if k+1 < words {
				next = in[32*(k+1)]
			}
			last := api.Sub(read, next)
			op := api.Add(aluKeccakMid, api.Mul(last, aluKeccakEnd-aluKeccakMid), api.Mul(api.Add(e.ID, k), rowIndexShift))
			w := newCombo(hi, lo)
			b.aluTable = append(b.aluTable, aluTuple{enable: read, op: op,
				a: newCombo(0, e.Off), b: newCombo(0, e.Len), c: newCombo(api.Mul(last, hHi), api.Mul(last, hLo)),
				d: w, e: w, j: k * copyKShift})
		}
		b.committed = append(b.committed, e.Off, e.ID, e.Len)
		b.committed = append(b.committed, e.Bytes...)
	}
	return nil
}

// keccakRows assigns a KECCAK256 as one row per memory word of its input
// and its keccak entry, or one row touching no memory for zero bytes.
func (a *assigner) keccakRows(si, i int, tb *aluTables) ([]Row, error) {
	st := &a.t.Steps[si]
	sp := len(st.Stack)
	off, size := st.Stack[sp-1], st.Stack[sp-2]
	// The hash is the one go-ethereum pushed; the keccak entry proves it.
	var hash uint256.Int
	if si+1 < len(a.t.Steps) {
		next := a.t.Steps[si+1].Stack
		if len(next) != sp-1 {
			return nil, fmt.Errorf("%w: stack after KECCAK256 at pc %d", ErrExecution, st.PC)
		}
		hash = next[sp-2]
	}
	tm := func(ri, port int) int { return portsPerRow*ri + port }
	if size.IsZero() {
		r := a.idleRow(i)
		r.Active, r.PC, r.Op, r.SP = 1, int(st.PC), int(st.Op), sp
		r.setFamily(a.s, famKeccakEmpty)
		r.R0 = a.readStack(sp-1, tm(i, portR0))
		r.R1 = a.readStack(sp-2, tm(i, portR1))
		r.W0 = a.writeCell(a.stack, domStack, sp-2, tm(i, portW0), hash)
		return []Row{r}, nil
	}
	limit, blocks := uint64(keccakMaxInput), 1
	if a.s.KeccakLong > 0 {
		c, _ := keccakCapacity(a.s.KeccakBlocks)
		limit = uint64(c)
	}
	if !size.IsUint64() || size.Uint64() > limit {
		return nil, fmt.Errorf("%w: KECCAK256 at pc %d: %s bytes (the keccak table of shape %s proves inputs of at most %d)", ErrUnsupported, st.PC, size.Dec(), a.s.Name(), limit)
	}
	if size.Uint64() > keccakMaxInput {
		blocks = a.s.KeccakBlocks
	}
	if !off.IsUint64() || off.Uint64()%32 != 0 {
		return nil, fmt.Errorf("%w: KECCAK256 at pc %d: memory offset %s is not a multiple of 32", ErrUnsupported, st.PC, off.Dec())
	}
	w0, n := off.Uint64()/32, (size.Uint64()+31)/32
	if w0+n > uint64(a.s.Memory) {
		return nil, fmt.Errorf("%w: KECCAK256 at pc %d: %s bytes from memory offset %s, beyond %d bytes", ErrCapacity, st.PC, size.Dec(), off.Dec(), 32*a.s.Memory)
	}
	e := newKeccakEntry(blocks)
	e.Off, e.ID, e.Len, e.hash = off.Uint64(), i, size.Uint64(), hash
	rows := make([]Row, n)
	for k := range n {
		ri := i + int(k)
		fam, op := famKeccakMid, aluKeccakMid
		if k == n-1 {
			fam, op = famKeccakEnd, aluKeccakEnd
		}
		r := a.idleRow(ri)
		r.Active, r.PC, r.Op, r.SP, r.K, r.Aux = 1, int(st.PC), int(st.Op), sp, k, op
		r.setFamily(a.s, fam)
		r.R0 = a.readStack(sp-1, tm(ri, portR0))
		r.R1 = a.readStack(sp-2, tm(ri, portR1))
		v := a.mem[w0+k]
		r.Data = a.readMem(w0+k, tm(ri, portData))
		if k == n-1 {
			r.W0 = a.writeCell(a.stack, domStack, sp-2, tm(ri, portW0), hash)
		}
		vb := v.Bytes32()
		for q, byt := range vb {
			e.Bytes[32*k+uint64(q)] = int(byt)
		}
		rows[k] = r
	}
	e.input = make([]byte, size.Uint64())
	for p := range e.input {
		e.input[p] = byte(e.Bytes[p].(int))
	}
	tb.keccaks = append(tb.keccaks, e)
	return rows, nil
}

// readMem is a read of memory word w at time t through a Data port.
func (a *assigner) readMem(w uint64, t int) WritePort {
	x := word(&a.mem[w])
	return WritePort{Hi: x.Hi, Lo: x.Lo, OldHi: x.Hi, OldLo: x.Lo, PrevT: a.touch(cellKey{dom: domMem, addr: w}, t)}
}

// placeKeccaks puts the KECCAK256 entries es in the short entries and
// the long ones of shape s: each that fits one block in a short entry
// while one is left, the others in long entries.
func placeKeccaks(s Shape, es []KeccakEntry) (short, long []KeccakEntry, err error) {
	_, shortWords := keccakCapacity(1)
	_, longWords := keccakCapacity(max(s.KeccakBlocks, 1))
	for _, e := range es {
		if len(e.Bytes) == 32*shortWords && len(short) < s.Keccak {
			short = append(short, e)
			continue
		}
		moved := newKeccakEntry(max(s.KeccakBlocks, 1))
		moved.Off, moved.ID, moved.Len, moved.input, moved.hash = e.Off, e.ID, e.Len, e.input, e.hash
		copy(moved.Bytes, e.Bytes)
		long = append(long, moved)
	}
	if len(long) > s.KeccakLong {
		n := 0
		for _, e := range es {
			if len(e.Bytes) > 32*shortWords {
				n++
			}
		}
		return nil, nil, fmt.Errorf("%w: %d KECCAK256 steps, %d of them longer than 135 bytes; shape has %d short keccak entries and %d long ones (of %d words)",
			ErrCapacity, len(es), n, s.Keccak, s.KeccakLong, longWords)
	}
	return short, long, nil
}

// KeccakInput is the input of one KECCAK256 a frame's keccak table holds,
// and the hash the step pushed.
type KeccakInput struct {
	Input []byte
	Hash  common.Hash
}

// KeccakInputs returns the input and pushed hash of each used entry of
// a witness that Assign made, the short entries' and the long ones', in
// entry order (the used entries of each come first): in a shape with
// KeccakClaims, the claims FrameOutcome.Keccak hands out.
func (c *FrameWitness) KeccakInputs() (short, long []KeccakInput) {
	return keccakInputs(c.Keccak), keccakInputs(c.KeccakLong)
}

// keccakInputs is the used entries' inputs and hashes.
func keccakInputs(es []KeccakEntry) []KeccakInput {
	var out []KeccakInput
	for _, e := range es {
		if len(e.input) > 0 {
			out = append(out, KeccakInput{Input: e.input, Hash: e.hash.Bytes32()})
		}
	}
	return out
}
