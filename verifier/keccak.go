package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/uints"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// Keccak table limits: one Keccak-f permutation per entry absorbs at most
// one 136-byte block with its padding, so an input of up to 135 bytes,
// read as up to five memory words.
const (
	keccakMaxInput = 135
	keccakWords    = 5
	keccakRate     = 136
)

// rowIndexShift places a KECCAK256 or LOG row's index above its operation
// on the ALU bus: a row i sends op + 2^8·i, and the table entry whose
// rows start at row ID sends op + 2^8·(ID + k) for its k-th row.
const rowIndexShift = 1 << 8

// emptyKeccak is keccak256 of no bytes, which KECCAK256 of size 0 pushes.
var emptyKeccak = hashWord(crypto.Keccak256Hash())

// KeccakEntry is one hash of the keccak table: KECCAK256 of Len bytes
// (1 to 135) of memory from offset Off, whose rows start at row ID. Bytes
// are the memory words read, five of them (zero past the ones read); the
// hash takes their first Len bytes. Its tuples on the ALU bus are, for
// each word k read, (op + 2^8·(ID + k), Off, Len, H, word, word, 2^32·k)
// with op aluKeccakEnd and H the hash for the last word, aluKeccakMid and
// 0 for the others: exactly the tuples the KECCAK256 rows send, each
// row its own word.
type KeccakEntry struct {
	Off, ID, Len frontend.Variable
	Bytes        [32 * keccakWords]frontend.Variable
}

// keccakTable constrains the keccak table: each entry's bytes are
// range-checked, its first Len hashed with the lookup gadget of package
// keccak (one Keccak-f permutation), and the digest goes on the bus with
// the words.
func (b *builder) keccakTable() error {
	if len(b.c.Keccak) == 0 {
		return nil
	}
	api := b.api
	uapi, err := uints.New[uints.U64](api)
	if err != nil {
		return fmt.Errorf("verifier: keccak: %w", err)
	}
	kh := keccak.New(api)
	for i := range b.c.Keccak {
		e := &b.c.Keccak[i]
		// in[p] = 1 if p < Len: ones then zeros, Len of them, none at 135
		// (so Len <= 135). An entry with Len 0 is unused: no word of it
		// goes on the bus.
		in := make([]frontend.Variable, keccakRate)
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
		api.AssertIsEqual(in[keccakRate-1], 0)
		api.AssertIsEqual(sum, e.Len)

		// The padded block: the input bytes, 0x01 after them, 0x80 in the
		// last byte (Len <= 135, so they never share one).
		bytes := make([]uints.U8, len(e.Bytes))
		for p, v := range e.Bytes {
			bytes[p] = uapi.ByteValueOf(v)
		}
		digest, err := kh.Sum(e.Bytes[:keccakMaxInput], e.Len)
		if err != nil {
			return fmt.Errorf("verifier: keccak: %w", err)
		}
		var hHi, hLo frontend.Variable = 0, 0
		for m, byt := range digest {
			if m < 16 {
				hHi = api.Add(api.Mul(hHi, 256), byt)
			} else {
				hLo = api.Add(api.Mul(hLo, 256), byt)
			}
		}

		// One tuple per word read: word k is read if 32k < Len, and is the
		// last if word k+1 is not.
		for k := range keccakWords {
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
			if k+1 < keccakWords {
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
		b.committed = append(b.committed, e.Bytes[:]...)
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
	if !size.IsUint64() || size.Uint64() > keccakMaxInput {
		return nil, fmt.Errorf("%w: KECCAK256 at pc %d: %s bytes (the keccak table proves inputs of at most %d)", ErrUnsupported, st.PC, size.Dec(), keccakMaxInput)
	}
	if !off.IsUint64() || off.Uint64()%32 != 0 {
		return nil, fmt.Errorf("%w: KECCAK256 at pc %d: memory offset %s is not a multiple of 32", ErrUnsupported, st.PC, off.Dec())
	}
	w0, n := off.Uint64()/32, (size.Uint64()+31)/32
	if w0+n > uint64(a.s.Memory) {
		return nil, fmt.Errorf("%w: KECCAK256 at pc %d: %s bytes from memory offset %s, beyond %d bytes", ErrCapacity, st.PC, size.Dec(), off.Dec(), 32*a.s.Memory)
	}
	e := KeccakEntry{Off: off.Uint64(), ID: i, Len: size.Uint64()}
	zeros(e.Bytes[:])
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
	tb.keccaks = append(tb.keccaks, e)
	return rows, nil
}

// readMem is a read of memory word w at time t through a Data port.
func (a *assigner) readMem(w uint64, t int) WritePort {
	x := word(&a.mem[w])
	return WritePort{Hi: x.Hi, Lo: x.Lo, OldHi: x.Hi, OldLo: x.Lo, PrevT: a.touch(cellKey{dom: domMem, addr: w}, t)}
}

// unusedKeccak is a keccak-table entry no row uses.
func unusedKeccak() KeccakEntry {
	e := KeccakEntry{Off: 0, ID: 0, Len: 0}
	zeros(e.Bytes[:])
	return e
}
