package batch

import (
	"bytes"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/keccak"
	"github.com/boosterkit/go-booster/verifier/trace"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// The ecrecover precompile (0x01) in a batch.
//
// A frame segment does not recover a key itself (gnark's ECRecover is
// about 183,000 constraints): for each call of 0x01 that returned, it
// reads from the storage argument the claim (input digest, found,
// address), where the input digest is the Poseidon2 hash of the call's
// first four input words (hash, v, r, s; zero past the input, as the
// precompile pads it), found is 1 where the call returned 32 bytes and
// 0 where it returned none, and the address is its return word (zero
// where none). An ecrecover segment (Capacity.Ecrecover entries) writes
// each distinct input's claim as many times as frames read it, having
// checked the precompile's rules on it: v is 27 or 28 as a whole word, r
// and s are in [1, n) (n secp256k1's order), and then the key gnark's
// ECRecover recovers, whose keccak256's last 20 bytes are the address;
// found is 0 where a rule fails or no key is recovered.

// ecrecoverAddress is the ecrecover precompile's address (0x01), as a
// field element (ecrecoverPrecompile outside the circuit).
var (
	ecrecoverAddress    = big.NewInt(1)
	ecrecoverPrecompile = common.BytesToAddress([]byte{1})
)

// domEcrecover is the owner domain of the ecrecover claims: owner
// domEcrecover·2^162, key the input's digest and whether a signer was
// found, value the signer's address.
const domEcrecover = 13

// ecrecoverOwner is the owner of every ecrecover claim.
var ecrecoverOwner = new(big.Int).Mul(big.NewInt(domEcrecover), two162)

// ecrecoverInputWords is how many input words the precompile reads.
const ecrecoverInputWords = 4

// secp256k1N is secp256k1's group order (go-ethereum's), in halves.
var secp256k1N = halvesOf(common.BigToHash(crypto.S256().Params().N))

// halvesOf is a word's high and low 128 bits.
func halvesOf(w common.Hash) [2]*big.Int {
	return [2]*big.Int{new(big.Int).SetBytes(w[:16]), new(big.Int).SetBytes(w[16:])}
}

// placeholderSignature is a valid signature (hash, v, r, s) that an
// ecrecover segment recovers in place of an input the precompile
// refuses, so that gnark's ECRecover, which asserts its inputs' ranges,
// is satisfied; what it recovers is not used.
var placeholderSignature = [ecrecoverInputWords]*big.Int{
	bigHex("3070b63e5d792a6b2cf6176fce29485937ea10a707ae84fb41c111406182d1b5"),
	big.NewInt(28),
	bigHex("dec0627d42fffa2887ef532c0119a8e0260c3618821c0439a6e03e4deb7eda1c"),
	bigHex("5199b0971b255cdfcb1c02b174678230c2beb1b069532a80597cd14d40561d25"),
}

// bigHex is the value of a hexadecimal string.
func bigHex(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("batch: bad hex constant " + s)
	}
	return v
}

// ecrecoverSegment proves the ecrecover claims of the batch's frames:
// each entry is one distinct input (its four words as 128-bit halves),
// whose claim it writes Uses times. Fail is 1 where the input passes the
// precompile's rules but recovers no key (ECRecover constrains it).
type ecrecoverSegment struct {
	aggregate.SegmentInputs
	carried
	Entries []ecrecoverEntry
}

// ecrecoverEntry is one input of an ecrecover segment.
type ecrecoverEntry struct {
	Input      [2 * ecrecoverInputWords]frontend.Variable
	Fail, Uses frontend.Variable
}

// newEcrecoverSegment is the empty ecrecover segment of n entries.
func newEcrecoverSegment(n int) *ecrecoverSegment {
	return &ecrecoverSegment{Entries: make([]ecrecoverEntry, n)}
}

// lessThanN reports, in the circuit, whether the 256-bit value of the
// 128-bit halves hi and lo (range checked by the caller) is below
// secp256k1's order.
func lessThanN(api frontend.API, hi, lo frontend.Variable) frontend.Variable {
	below := func(a frontend.Variable, b *big.Int) frontend.Variable {
		d := api.ToBinary(api.Add(api.Sub(a, b), two128), 129)
		return api.Sub(1, d[128])
	}
	eqHi := api.IsZero(api.Sub(hi, secp256k1N[0]))
	return api.Add(below(hi, secp256k1N[0]), api.Mul(eqHi, below(lo, secp256k1N[1])))
}

// Define implements frontend.Circuit.
func (c *ecrecoverSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	kh := keccak.New(api)
	m, sum, vs := c.start()
	for _, e := range c.Entries {
		// The words, least significant bit first.
		var words [ecrecoverInputWords][]frontend.Variable
		for w := range words {
			lo := api.ToBinary(e.Input[2*w+1], 128)
			hi := api.ToBinary(e.Input[2*w], 128)
			words[w] = append(lo, hi...)
		}
		key, err := hashVars(api, e.Input[:]...)
		if err != nil {
			return err
		}
		// The precompile's rules: v is 27 or 28, r and s in [1, n).
		vLo := e.Input[3]
		vOK := api.Mul(api.IsZero(e.Input[2]), api.Add(api.IsZero(api.Sub(vLo, 27)), api.IsZero(api.Sub(vLo, 28))))
		inRange := func(hi, lo frontend.Variable) frontend.Variable {
			zero := api.Mul(api.IsZero(hi), api.IsZero(lo))
			return api.Mul(api.Sub(1, zero), lessThanN(api, hi, lo))
		}
		valid := api.Mul(vOK, inRange(e.Input[4], e.Input[5]), inRange(e.Input[6], e.Input[7]))
		api.AssertIsBoolean(e.Fail)
		api.AssertIsEqual(api.Mul(e.Fail, api.Sub(1, valid)), 0)
		// An input the rules refuse recovers the placeholder instead.
		sel := func(w int) []frontend.Variable {
			out := make([]frontend.Variable, 256)
			for i := range out {
				out[i] = api.Select(valid, words[w][i], placeholderSignature[w].Bit(i))
			}
			return out
		}
		v := api.Select(valid, vLo, placeholderSignature[1])
		addr, err := txsig.RecoverAddress(api, kh, sel(0), sel(2), sel(3), v, 0, e.Fail)
		if err != nil {
			return err
		}
		found := api.Mul(valid, api.Sub(1, e.Fail))
		bits := api.ToBinary(addr, 160)
		hi, lo := api.FromBinary(bits[128:]...), api.FromBinary(bits[:128]...)
		claim := m.fingerprint(api, ecrecoverOwner, key, found, api.Mul(found, hi), api.Mul(found, lo), 0)
		sum = api.Add(sum, api.Mul(e.Uses, m.term(api, claim)))
		vs = append(vs, e.Input[:]...)
		vs = append(vs, e.Fail, e.Uses)
	}
	return c.finish(api, &c.SegmentInputs, sum, vs...)
}

// ecrecoverCall proves, where on is 1, a call of the ecrecover
// precompile in a frame segment, and returns the storage argument's term
// of its claim, to subtract (zero where it failed, which only running out
// of gas does: gas is not proven): it sends no value; it returned 32
// bytes, the signer's address, or none; its other return words are zero.
func ecrecoverCall(api frontend.API, m memory, call *verifier.CallEntry, on frontend.Variable) (frontend.Variable, error) {
	if len(call.Ret) == 0 {
		// A shape that keeps no return words proves no such call.
		api.AssertIsEqual(on, 0)
		return 0, nil
	}
	ok, key, err := precompileCall(api, call, on, ecrecoverInputWords, false)
	if err != nil {
		return nil, err
	}
	found := api.Div(call.RetLen, 32)
	api.AssertIsEqual(api.Mul(ok, found, api.Sub(found, 1)), 0)
	api.AssertIsEqual(api.Mul(on, api.Sub(1, found), call.Ret[0].Hi), 0)
	api.AssertIsEqual(api.Mul(on, api.Sub(1, found), call.Ret[0].Lo), 0)
	return api.Mul(ok, m.term(api, m.fingerprint(api, ecrecoverOwner, key, found, call.Ret[0].Hi, call.Ret[0].Lo, 0))), nil
}

// Outside the circuit.

// ecrecoverInput is the precompile's input as it reads it: the call's
// first 128 bytes, zero past its end.
func ecrecoverInput(in []byte) [32 * ecrecoverInputWords]byte {
	var out [32 * ecrecoverInputWords]byte
	copy(out[:], in)
	return out
}

// ecrecoverOutcome is what the precompile returns for input: the
// signer's address as a word, or nothing.
func ecrecoverOutcome(input [32 * ecrecoverInputWords]byte) []byte {
	out, err := vm.PrecompiledContractsOsaka[ecrecoverPrecompile].Run(input[:])
	if err != nil {
		return nil // go-ethereum's ecrecover returns no error
	}
	return out
}

// ecrecoverKey is the claim's key: the digest of the input's halves.
func ecrecoverKey(input [32 * ecrecoverInputWords]byte) fr.Element {
	es := make([]fr.Element, 2*ecrecoverInputWords)
	for i := range es {
		es[i] = elem(input[16*i : 16*i+16])
	}
	return hashElements(es...)
}

// ecrecoverTuple is the claim of input with the precompile's output.
func ecrecoverTuple(write bool, input [32 * ecrecoverInputWords]byte, out []byte) memTuple {
	var owner fr.Element
	owner.SetBigInt(ecrecoverOwner)
	t := memTuple{write: write, owner: owner, keyHi: ecrecoverKey(input)}
	if len(out) == 32 {
		t.keyLo.SetOne()
		t.valHi, t.valLo = elem(out[:16]), elem(out[16:])
	}
	return t
}

// checkEcrecoverCall checks a call of the ecrecover precompile as a
// frame segment proves it (ecrecoverCall): no value, and the
// precompile's output returned, or a failure with no return data.
func checkEcrecoverCall(call trace.FrameCall, s verifier.Shape) error {
	switch {
	case !call.Value.IsZero():
		return fmt.Errorf("%w: a call of the ecrecover precompile with value (balances are not proven)", verifier.ErrUnsupported)
	case call.Success && !bytes.Equal(call.ReturnData, ecrecoverOutcome(ecrecoverInput(call.Input))):
		return fmt.Errorf("%w: a call of the ecrecover precompile that did not return what it recovers", ErrStatement)
	case !call.Success && len(call.ReturnData) > 0:
		return fmt.Errorf("%w: a failed call of the ecrecover precompile with return data", ErrStatement)
	case s.CallData < ecrecoverInputWords && len(call.Input) > 32*s.CallData:
		return fmt.Errorf("%w: the ecrecover precompile reads %d words of input, shape %s keeps %d a call", verifier.ErrCapacity, ecrecoverInputWords, s.Name(), s.CallData)
	}
	return nil
}

// ecrecoverUses collects the batch's distinct ecrecover inputs.
type ecrecoverUses struct {
	precompileUses[[32 * ecrecoverInputWords]byte]
}

// claim counts one more read of input's claim and returns the read.
func (u *ecrecoverUses) claim(input [32 * ecrecoverInputWords]byte, out []byte) memTuple {
	u.use(input)
	return ecrecoverTuple(false, input, out)
}

// segments adds the ecrecover segments of n entries each, which write
// every input's claim as many times as frames read it. kind is their
// segment kind.
func (u *ecrecoverUses) segments(b *draftBatch, n, kind int) {
	for i := 0; i < len(u.order); i += n {
		seg := newEcrecoverSegment(n)
		var tuples []memTuple
		es := []fr.Element{b.mem.acc}
		for j := range seg.Entries {
			e := &seg.Entries[j]
			var input [32 * ecrecoverInputWords]byte
			uses := 0
			if i+j < len(u.order) {
				input, uses = u.order[i+j].input, u.order[i+j].uses
			}
			if fl := b.faults; fl != nil && fl.ecrecoverUses != nil {
				uses = fl.ecrecoverUses(uses)
			}
			out := ecrecoverOutcome(input)
			fail := 0
			if len(out) == 0 && ecrecoverValid(input) {
				fail = 1
			}
			for w := range e.Input {
				e.Input[w] = new(big.Int).SetBytes(input[16*w : 16*w+16])
				es = append(es, elem(input[16*w:16*w+16]))
			}
			if fl := b.faults; fl != nil && fl.ecrecoverFail != nil {
				fail = fl.ecrecoverFail(input, fail)
			}
			e.Fail, e.Uses = fail, uses
			es = append(es, fr.NewElement(uint64(fail)), fr.NewElement(uint64(uses)))
			for range uses {
				tuples = append(tuples, ecrecoverTuple(true, input, out))
			}
		}
		b.mem.acc = hashElements(es...)
		b.add(kind, seg, tuples, nil)
	}
}

// ecrecoverValid reports whether input passes the precompile's rules
// before recovery, as go-ethereum's precompile checks them: v is 27 or 28
// as a whole word, r and s in [1, n).
func ecrecoverValid(input [32 * ecrecoverInputWords]byte) bool {
	if !bytes.Equal(input[32:63], make([]byte, 31)) {
		return false
	}
	r, s := new(big.Int).SetBytes(input[64:96]), new(big.Int).SetBytes(input[96:128])
	return crypto.ValidateSignatureValues(input[63]-27, r, s, false)
}
