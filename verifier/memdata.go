package verifier

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/holiman/uint256"
)

// MemoryData is data a step reads from memory one word a row: a log's
// data or a call's input, Len bytes from offset Off = J + 32·Q (J < 32),
// of m = ceil((J+Len)/32) memory words, J + Len = 32(m-1) + R with 1 <=
// R <= 32 (all zero when Len is 0, whatever Off is). Len and Data, the
// bytes as words zero-padded, are public; Off, J, Q, R and Bytes, the
// bytes of the m words read (then zeros), are not.
type MemoryData struct {
	Len   frontend.Variable
	Data  []Word
	Off   Word
	J, Q  frontend.Variable
	R     frontend.Variable
	Bytes [][32]frontend.Variable
}

// newMemoryData is empty data of up to n words.
func newMemoryData(n int) MemoryData {
	d := MemoryData{Len: 0, Data: make([]Word, n), Off: zeroWord(), J: 0, Q: 0, R: 0, Bytes: make([][32]frontend.Variable, n+1)}
	for k := range d.Data {
		d.Data[k] = zeroWord()
	}
	for k := range d.Bytes {
		zeros(d.Bytes[k][:])
	}
	return d
}

// memoryData constrains data read from memory (see MemoryData): the k-th
// word read is the tuple (op(k), Off, Len, 0, word, word, J + 2^32·k) on
// the ALU bus, which the k-th data row sends, and the public words are
// the bytes from J on, kept up to Len. It returns m.
func (b *builder) memoryData(used frontend.Variable, d *MemoryData, op func(k int) frontend.Variable) frontend.Variable {
	api := b.api
	n := len(d.Bytes)
	wf := b.ones(n, api.Add(d.J, d.Len), 32, false)
	hasData := wf[0]
	api.AssertIsEqual(api.Mul(hasData, api.Sub(1, used)), 0)
	var m frontend.Variable = 0
	for _, f := range wf {
		m = api.Add(m, f)
	}
	b.rc.Check(d.J, 5)
	b.rc.Check(d.Q, 16)
	api.AssertIsEqual(api.Mul(api.Sub(1, hasData), d.J), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, hasData), d.R), 0)
	b.rc.Check(api.Mul(hasData, api.Sub(d.Len, 1)), 16)
	b.rc.Check(api.Sub(d.R, hasData), 5)
	api.AssertIsEqual(api.Add(d.J, d.Len), api.Add(api.Mul(api.Sub(m, hasData), 32), d.R))
	// With data, the offset is J + 32·Q; without, any word.
	api.AssertIsEqual(api.Mul(hasData, d.Off.Hi), 0)
	api.AssertIsEqual(api.Mul(hasData, api.Sub(d.Off.Lo, api.Add(d.J, api.Mul(d.Q, 32)))), 0)

	off, size := newCombo(d.Off.Hi, d.Off.Lo), newCombo(0, d.Len)
	tab := logderivlookup.New(api)
	for k := range d.Bytes {
		for _, byt := range d.Bytes[k] {
			b.rc.Check(byt, 8)
			tab.Insert(byt)
		}
		w := wordOfBytes(api, &d.Bytes[k])
		wc := newCombo(w.Hi, w.Lo)
		b.aluTable = append(b.aluTable, aluTuple{enable: wf[k], op: op(k), a: off, b: size, c: newCombo(0, 0),
			d: wc, e: wc, j: api.Add(d.J, k*copyKShift)})
	}
	for range 32 {
		tab.Insert(0)
	}
	// Data byte p is byte J + p of the words read, for p < Len.
	kept := b.ones(32*len(d.Data), d.Len, 1, true)
	idx := make([]frontend.Variable, len(kept))
	for p := range idx {
		idx[p] = api.Add(d.J, p)
	}
	got := tab.Lookup(idx...)
	for k := range d.Data {
		var bs [32]frontend.Variable
		for q := range bs {
			bs[q] = api.Mul(kept[32*k+q], got[32*k+q])
		}
		w := wordOfBytes(api, &bs)
		api.AssertIsEqual(d.Data[k].Hi, w.Hi)
		api.AssertIsEqual(d.Data[k].Lo, w.Lo)
	}
	b.committed = append(b.committed, d.Len, d.Off.Hi, d.Off.Lo, d.J, d.Q, d.R)
	for k := range d.Data {
		b.committed = append(b.committed, d.Data[k].Hi, d.Data[k].Lo)
	}
	for k := range d.Bytes {
		b.committed = append(b.committed, d.Bytes[k][:]...)
	}
	return m
}

// readData assigns data of size bytes read from memory offset off, of up
// to n words: the entry's values, the memory words to read (from q, m of
// them) and the bytes. what names the step in errors.
func (a *assigner) readData(off, size uint256.Int, n int, what string) (d MemoryData, q, m uint64, data []byte, err error) {
	d = newMemoryData(n)
	d.Off = word(&off)
	if size.IsZero() {
		return d, 0, 0, []byte{}, nil
	}
	if !size.IsUint64() || size.Uint64() > 32*uint64(n) {
		return d, 0, 0, nil, fmt.Errorf("%w: %s: %s bytes, shape has %d words", ErrCapacity, what, size.Dec(), n)
	}
	l := size.Uint64()
	if !off.IsUint64() || off.Uint64() > 32*uint64(a.s.Memory) {
		return d, 0, 0, nil, fmt.Errorf("%w: %s: %s bytes from memory offset %s, beyond %d bytes", ErrCapacity, what, size.Dec(), off.Dec(), 32*a.s.Memory)
	}
	j := off.Uint64() % 32
	q, m = off.Uint64()/32, (j+l+31)/32
	if q+m > uint64(a.s.Memory) {
		return d, 0, 0, nil, fmt.Errorf("%w: %s: %s bytes from memory offset %s, beyond %d bytes", ErrCapacity, what, size.Dec(), off.Dec(), 32*a.s.Memory)
	}
	d.Len, d.J, d.Q, d.R = l, j, q, j+l-32*(m-1)
	var buf []byte
	for k := range m {
		wb := a.mem[q+k].Bytes32()
		for p, byt := range wb {
			d.Bytes[k][p] = int(byt)
		}
		buf = append(buf, wb[:]...)
	}
	data = buf[j : j+l]
	d.Data = bytesWords(data, n)
	return d, q, m, data, nil
}
