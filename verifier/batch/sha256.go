package batch

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/sha2"
	"github.com/consensys/gnark/std/math/uints"
	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// The sha256 precompile (0x02) in a batch, as the ecrecover precompile
// (see ecrecover.go): a frame segment reads, for each call of 0x02 that
// returned, the claim (input digest, hash) from the storage argument,
// the digest being the Poseidon2 hash of the input's length and its
// words (zero past the input) up to the frame shapes' call input
// capacity; a sha256 segment (Capacity.Sha256 entries) hashes each
// distinct input with gnark's SHA-256 and writes its claim as many times
// as frames read it.

// sha256Precompile is the sha256 precompile's address (0x02); as a field
// element, sha256Address.
var (
	sha256Precompile = common.BytesToAddress([]byte{2})
	sha256Address    = big.NewInt(2)
)

// domSha256 is the owner domain of the sha256 claims: owner
// domSha256·2^162, key the input's digest, value its hash.
const domSha256 = 14

// sha256Owner is the owner of every sha256 claim.
var sha256Owner = new(big.Int).Mul(big.NewInt(domSha256), two162)

// sha256Segment proves the sha256 claims of the batch's frames: each
// entry is one distinct input, Len bytes as words' 128-bit halves (zero
// past Len), whose claim it writes Uses times.
type sha256Segment struct {
	aggregate.SegmentInputs
	carried
	Entries []sha256Entry
}

// sha256Entry is one input of a sha256 segment.
type sha256Entry struct {
	Len, Uses frontend.Variable
	Input     []frontend.Variable
}

// newSha256Segment is the empty sha256 segment of n entries of up to
// words input words each.
func newSha256Segment(n, words int) *sha256Segment {
	s := &sha256Segment{Entries: make([]sha256Entry, n)}
	for i := range s.Entries {
		s.Entries[i].Input = make([]frontend.Variable, 2*words)
	}
	return s
}

// Define implements frontend.Circuit.
func (c *sha256Segment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	bf, err := uints.NewBytes(api)
	if err != nil {
		return fmt.Errorf("batch: bytes: %w", err)
	}
	m, sum, vs := c.start()
	for _, e := range c.Entries {
		var bs []frontend.Variable
		for _, half := range e.Input {
			bs = append(bs, halfBytes(api, half)...)
		}
		api.ToBinary(api.Sub(len(bs), e.Len), 16)
		assertZeroPast(api, e.Len, bs)
		key, err := hashVars(api, append([]frontend.Variable{e.Len}, e.Input...)...)
		if err != nil {
			return err
		}
		h, err := sha2.New(api)
		if err != nil {
			return fmt.Errorf("batch: sha2: %w", err)
		}
		u8s := make([]uints.U8, len(bs))
		for i, b := range bs {
			u8s[i] = bf.ValueOf(b)
		}
		h.Write(u8s)
		sum256 := h.FixedLengthSum(e.Len)
		out := make([]frontend.Variable, len(sum256))
		for i, b := range sum256 {
			out[i] = bf.Value(b)
		}
		claim := m.fingerprint(api, sha256Owner, key, 0, bytesValue(api, out[:16]), bytesValue(api, out[16:]), 0)
		sum = api.Add(sum, api.Mul(e.Uses, m.term(api, claim)))
		vs = append(vs, e.Len, e.Uses)
		vs = append(vs, e.Input...)
	}
	return c.finish(api, &c.SegmentInputs, sum, vs...)
}

// assertZeroPast asserts that the bytes of bs from index n on are zero.
func assertZeroPast(api frontend.API, n frontend.Variable, bs []frontend.Variable) []frontend.Variable {
	past := make([]frontend.Variable, len(bs))
	var p frontend.Variable = 0
	for i, b := range bs {
		p = api.Add(p, api.IsZero(api.Sub(n, i)))
		past[i] = p
		api.AssertIsEqual(api.Mul(p, b), 0)
	}
	return past
}

// sha256Call proves, where on is 1, a call of the sha256 precompile in a
// frame segment whose input words the capacity's sha256 segments hold
// (words of them), and returns the storage argument's term of its
// claim, to subtract (zero where it failed, which only running out of
// gas does: gas is not proven): it sends no value; it returned the 32
// bytes of the input's hash; its other return words are zero.
func sha256Call(api frontend.API, m memory, call *verifier.CallEntry, on frontend.Variable, words int) (frontend.Variable, error) {
	if len(call.Ret) == 0 || len(call.Data) > words {
		api.AssertIsEqual(on, 0)
		return 0, nil
	}
	ok, key, err := precompileCall(api, call, on, words, true)
	if err != nil {
		return nil, err
	}
	api.AssertIsEqual(api.Mul(ok, api.Sub(call.RetLen, 32)), 0)
	return api.Mul(ok, m.term(api, m.fingerprint(api, sha256Owner, key, 0, call.Ret[0].Hi, call.Ret[0].Lo, 0))), nil
}

// Outside the circuit.

// sha256Key is the claim's key of input, in segments of words input
// words: the digest of its length and its halves.
func sha256Key(input []byte, words int) fr.Element {
	padded := make([]byte, 32*words)
	copy(padded, input)
	es := []fr.Element{fr.NewElement(uint64(len(input)))}
	for i := 0; i < len(padded); i += 16 {
		es = append(es, elem(padded[i:i+16]))
	}
	return hashElements(es...)
}

// sha256Tuple is the claim of input with its hash.
func sha256Tuple(write bool, input []byte, words int, hash []byte) memTuple {
	var owner fr.Element
	owner.SetBigInt(sha256Owner)
	t := memTuple{write: write, owner: owner, keyHi: sha256Key(input, words)}
	if len(hash) == 32 {
		t.valHi, t.valLo = elem(hash[:16]), elem(hash[16:])
	}
	return t
}

// checkSha256Call checks a call of the sha256 precompile as a frame
// segment proves it (sha256Call): no value, and the input's hash
// returned, or a failure with no return data.
func checkSha256Call(call trace.FrameCall) error {
	sum := sha256.Sum256(call.Input)
	switch {
	case !call.Value.IsZero():
		return fmt.Errorf("%w: a call of the sha256 precompile with value (balances are not proven)", verifier.ErrUnsupported)
	case call.Success && !bytes.Equal(call.ReturnData, sum[:]):
		return fmt.Errorf("%w: a call of the sha256 precompile that did not return its input's hash", ErrStatement)
	case !call.Success && len(call.ReturnData) > 0:
		return fmt.Errorf("%w: a failed call of the sha256 precompile with return data", ErrStatement)
	}
	return nil
}

// sha256Uses collects the batch's distinct sha256 inputs.
type sha256Uses struct {
	precompileUses[string]
}

// claim counts one more read of input's claim, in segments of words
// input words, and returns the read.
func (u *sha256Uses) claim(input []byte, words int, out []byte) memTuple {
	u.use(string(input))
	return sha256Tuple(false, input, words, out)
}

// segments adds the sha256 segments of n entries of words input words
// each, which write every input's claim as many times as frames read it.
// kind is their segment kind.
func (u *sha256Uses) segments(b *draftBatch, n, words, kind int) {
	for i := 0; i < len(u.order); i += n {
		seg := newSha256Segment(n, words)
		var tuples []memTuple
		es := []fr.Element{b.mem.acc}
		for j := range seg.Entries {
			e := &seg.Entries[j]
			var input []byte
			uses := 0
			if i+j < len(u.order) {
				input, uses = []byte(u.order[i+j].input), u.order[i+j].uses
			}
			if fl := b.faults; fl != nil && fl.sha256Uses != nil {
				uses = fl.sha256Uses(uses)
			}
			padded := make([]byte, 32*words)
			copy(padded, input)
			e.Len, e.Uses = len(input), uses
			es = append(es, fr.NewElement(uint64(len(input))), fr.NewElement(uint64(uses)))
			for w := range e.Input {
				e.Input[w] = new(big.Int).SetBytes(padded[16*w : 16*w+16])
				es = append(es, elem(padded[16*w:16*w+16]))
			}
			sum := sha256.Sum256(input)
			for range uses {
				tuples = append(tuples, sha256Tuple(true, input, words, sum[:]))
			}
		}
		b.mem.acc = hashElements(es...)
		b.add(kind, seg, tuples, nil)
	}
}
