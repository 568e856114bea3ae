package keccak

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
)

// Errors the hasher returns while the circuit is defined.
var (
	// ErrCapacity: the bytes given exceed what the hash was sized for.
	ErrCapacity = errors.New("keccak: capacity")
)

// Sponge sizes of keccak256, in bytes.
const (
	// Rate is the bytes one permutation absorbs.
	Rate = 136
	// Size is the bytes of a digest.
	Size = 32
)

// nibbles is the number of 4-bit nibbles of a lane; a lane's value is
// Σ n[k]·16^k.
const nibbles = 16

// Lane is a 64-bit lane as its sixteen nibbles, least significant first;
// each is an output of a lookup or a range-checked input, so in [0, 16).
type Lane [nibbles]frontend.Variable

// State is the Keccak-f[1600] state, lane x + 5y at index x + 5y.
type State [25]Lane

// rho is the rotation of lane x + 5y.
var rho = [25]int{0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14}

// roundConstants are iota's constants.
var roundConstants = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
	0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
	0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

// Hasher hashes and permutes inside one circuit, its lookup tables
// shared by every call.
type Hasher struct {
	api frontend.API
	// xor3 maps a + 16b + 256c to a^b^c, chi to a^(^b&c), for nibbles
	// a, b, c; split[s] to the top s bits and the rest of a^b^c; high
	// maps a byte to its high nibble.
	xor3, chi, high logderivlookup.Table
	split           [4]*splitTable
}

// New returns a hasher for the circuit api defines; its tables are built
// now and checked when Define returns.
func New(api frontend.API) *Hasher {
	h := &Hasher{api: api, xor3: logderivlookup.New(api), chi: logderivlookup.New(api), high: logderivlookup.New(api)}
	for i := range 4096 {
		a, b, c := i&15, (i>>4)&15, i>>8
		h.xor3.Insert(a ^ b ^ c)
		h.chi.Insert(a ^ (^b & c & 15))
	}
	for s := 1; s < 4; s++ {
		h.split[s] = newSplitTable(api, s)
	}
	for b := range 256 {
		h.high.Insert(b >> 4)
	}
	return h
}

// index3 is the tables' index of nibbles a, b, c.
func (h *Hasher) index3(a, b, c frontend.Variable) frontend.Variable {
	return h.api.Add(a, h.api.Mul(b, 16), h.api.Mul(c, 256))
}

// xorLanes is a ^ b ^ c nibble by nibble.
func (h *Hasher) xorLanes(a, b, c *Lane) Lane {
	idx := make([]frontend.Variable, nibbles)
	for k := range idx {
		idx[k] = h.index3(a[k], b[k], c[k])
	}
	var out Lane
	copy(out[:], h.xor3.Lookup(idx...))
	return out
}

// splitLanes is a ^ b ^ c nibble by nibble, each nibble cut into its top
// s bits and the 4-s below them.
func (h *Hasher) splitLanes(s int, a, b, c *Lane) (hi, lo Lane) {
	idx := make([]frontend.Variable, nibbles)
	for k := range idx {
		idx[k] = h.index3(a[k], b[k], c[k])
	}
	his, los := h.split[s].lookup(idx)
	copy(hi[:], his)
	copy(lo[:], los)
	return hi, lo
}

// Permute applies Keccak-f[1600] to s in place.
func (h *Hasher) Permute(s *State) {
	api := h.api
	for round := range 24 {
		// Theta: c[x] is column x's parity, cRot[x] it rotated by one.
		var c, cRot [5]Lane
		for x := range 5 {
			t := h.xorLanes(&s[x], &s[x+5], &s[x+10])
			hi, lo := h.splitLanes(1, &t, &s[x+15], &s[x+20])
			for k := range nibbles {
				c[x][k] = api.Add(api.Mul(hi[k], 8), lo[k])
				cRot[x][k] = api.Add(api.Mul(lo[k], 2), hi[(k+nibbles-1)%nibbles])
			}
		}
		// Each lane takes both parities and is rotated (rho) and moved
		// (pi): by r = 4q + sh bits, q nibbles for free and sh bits from
		// the split of each nibble.
		var b State
		for i := range s {
			x, y := i%5, i/5
			q, sh := rho[i]/4, rho[i]%4
			var rotated Lane
			if sh == 0 {
				a := h.xorLanes(&s[i], &c[(x+4)%5], &cRot[(x+1)%5])
				for k := range nibbles {
					rotated[k] = a[(k-q+nibbles)%nibbles]
				}
			} else {
				hi, lo := h.splitLanes(sh, &s[i], &c[(x+4)%5], &cRot[(x+1)%5])
				for k := range nibbles {
					rotated[k] = api.Add(api.Mul(lo[(k-q+nibbles)%nibbles], 1<<sh), hi[(k-q-1+2*nibbles)%nibbles])
				}
			}
			b[y+5*((2*x+3*y)%5)] = rotated
		}
		// Chi.
		for i := range s {
			x, y := i%5, i/5
			p, q := &b[(x+1)%5+5*y], &b[(x+2)%5+5*y]
			idx := make([]frontend.Variable, nibbles)
			for k := range idx {
				idx[k] = h.index3(b[i][k], p[k], q[k])
			}
			copy(s[i][:], h.chi.Lookup(idx...))
		}
		// Iota.
		rc := roundConstants[round]
		for k := range nibbles {
			if v := (rc >> (4 * k)) & 15; v != 0 {
				s[0][k] = h.xor3.Lookup(h.api.Add(s[0][k], 16*v))[0]
			}
		}
	}
}

// Nibbles splits bytes into their nibbles, low first (eight bytes
// little-endian are a Lane), and so range-checks them: the lookup fails
// for a value that is not a byte.
func (h *Hasher) Nibbles(bs []frontend.Variable) []frontend.Variable {
	hi := h.high.Lookup(bs...)
	out := make([]frontend.Variable, 0, 2*len(bs))
	for i, b := range bs {
		out = append(out, h.api.Sub(b, h.api.Mul(hi[i], 16)), hi[i])
	}
	return out
}

// Sum is keccak256 (Ethereum's, with the 0x01 padding) of data's first
// length bytes, as 32 bytes. The values before length must be bytes,
// which Sum checks; those past it are not read (whatever they are, the
// digest is the same). length is at most len(data), which Sum checks. The circuit runs len(data)/136 + 1 permutations
// whatever length is.
func (h *Hasher) Sum(data []frontend.Variable, length frontend.Variable) ([Size]frontend.Variable, error) {
	api := h.api
	var out [Size]frontend.Variable
	if len(data) >= 1<<24 {
		return out, fmt.Errorf("%w: %d bytes, at most 2^24 - 1 can be hashed", ErrCapacity, len(data))
	}
	blocks := len(data)/Rate + 1
	// length ≤ len(data).
	api.ToBinary(api.Sub(len(data), length), 24)
	// The padded message: data[i] before length, 0x01 at length, 0x80
	// on the last byte of the block holding length (the two add up
	// where they meet).
	padded := make([]frontend.Variable, blocks*Rate)
	eq := make([]frontend.Variable, len(padded))
	var before frontend.Variable = 1
	for i := range padded {
		if i <= len(data) {
			eq[i] = api.IsZero(api.Sub(length, i))
			before = api.Sub(before, eq[i])
		} else {
			eq[i] = 0
		}
		var v frontend.Variable = 0
		if i < len(data) {
			v = api.Mul(data[i], before)
		}
		padded[i] = api.Add(v, eq[i])
	}
	final := make([]frontend.Variable, blocks)
	for k := range blocks {
		var in frontend.Variable = 0
		for i := k * Rate; i < (k+1)*Rate; i++ {
			in = api.Add(in, eq[i])
		}
		final[k] = in
		last := (k+1)*Rate - 1
		padded[last] = api.Add(padded[last], api.Mul(in, 0x80))
	}
	var s State
	for i := range s {
		for k := range nibbles {
			s[i][k] = 0
		}
	}
	var zero Lane
	for k := range zero {
		zero[k] = 0
	}
	var result [4]Lane
	for k := range result {
		result[k] = zero
	}
	for k := range blocks {
		ns := h.Nibbles(padded[k*Rate : (k+1)*Rate])
		for j := range Rate / 8 {
			var l Lane
			copy(l[:], ns[j*nibbles:(j+1)*nibbles])
			if k == 0 {
				s[j] = l
			} else {
				s[j] = h.xorLanes(&s[j], &l, &zero)
			}
		}
		h.Permute(&s)
		// The digest is the state after the block that holds length.
		for j := range result {
			for n := range nibbles {
				result[j][n] = api.Add(result[j][n], api.Mul(final[k], s[j][n]))
			}
		}
	}
	for i := range out {
		l, b := &result[i/8], i%8
		out[i] = api.Add(l[2*b], api.Mul(l[2*b+1], 16))
	}
	return out, nil
}
