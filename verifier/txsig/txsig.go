package txsig

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/evmprecompiles"
	"github.com/consensys/gnark/std/math/emulated"
	"github.com/consensys/gnark/std/math/uints"
	"github.com/consensys/gnark/std/multicommit"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// Errors of the package.
var (
	// ErrUnsupported means a transaction the gadget cannot prove; the
	// error says what.
	ErrUnsupported = errors.New("txsig: transaction not supported")
	// ErrCapacity means a transaction whose calldata exceeds the gadget's
	// capacity.
	ErrCapacity = errors.New("txsig: calldata exceeds the capacity")
	// ErrSignature means a transaction whose signature does not recover a
	// sender (go-ethereum refuses it too).
	ErrSignature = errors.New("txsig: invalid signature")
)

func init() {
	solver.RegisterHint(prefixMaskHint)
}

// Int is a big-endian unsigned integer of fixed width in bytes, with the
// number of its significant bytes (no leading zero byte).
type Int struct {
	Bytes []frontend.Variable
	Len   frontend.Variable
}

func newInt(width int) Int { return Int{Bytes: make([]frontend.Variable, width)} }

// Tx is the witness of one signed transaction: its type (one of Legacy,
// AccessList, DynamicFee is 1), fields, signature and the signing payload
// the prover claims they encode to. GasFeeCap is the gas price of legacy
// and access-list transactions; GasTipCap is zero for them.
type Tx struct {
	Legacy, AccessList, DynamicFee frontend.Variable

	ChainID, Nonce, Gas         Int
	GasTipCap, GasFeeCap, Value Int
	// Create is 1 for a contract creation (To is then zero).
	Create frontend.Variable
	To     []frontend.Variable
	// Data is the calldata, zero-padded to the capacity.
	Data    []frontend.Variable
	DataLen frontend.Variable

	// Payload is the signing payload (what keccak256 hashes into the
	// signing hash), zero-padded to its capacity.
	Payload    []frontend.Variable
	PayloadLen frontend.Variable

	// YParity, R and S are the signature (R and S big-endian).
	YParity frontend.Variable
	R, S    []frontend.Variable
}

// NewTx returns an empty Tx for calldata of up to dataCap bytes, as a
// circuit's definition needs it.
func NewTx(dataCap int) Tx {
	return Tx{
		ChainID: newInt(8), Nonce: newInt(8), Gas: newInt(8),
		GasTipCap: newInt(32), GasFeeCap: newInt(32), Value: newInt(32),
		To:      make([]frontend.Variable, 20),
		Data:    make([]frontend.Variable, dataCap),
		Payload: make([]frontend.Variable, PayloadCap(dataCap)),
		R:       make([]frontend.Variable, 32), S: make([]frontend.Variable, 32),
	}
}

// PayloadCap is the longest signing payload of a transaction with up to
// dataCap bytes of calldata: type byte, list header, the integers with
// their prefixes, recipient, calldata with its header, and the empty
// access list or EIP-155's chain id and two zeros.
func PayloadCap(dataCap int) int {
	return 1 + 3 + 9 + 9 + 33 + 33 + 9 + 21 + 33 + 3 + dataCap + 1 + 9 + 2
}

// Signed is what the gadget proves about a transaction: its signer, its
// signing hash (two 128-bit halves) and its fields as values (the 256-bit
// ones as 128-bit halves, high first).
type Signed struct {
	Sender                      frontend.Variable
	HashHi, HashLo              frontend.Variable
	ChainID, Nonce, Gas         frontend.Variable
	GasTipCap, GasFeeCap, Value [2]frontend.Variable
	Create, To                  frontend.Variable
}

// term is the polynomial Σ_k coeffs[k]·x^(at+k), at counted from its
// piece's start.
type term struct {
	at     frontend.Variable
	coeffs []frontend.Variable
}

// piece is an encoded part of the payload: its length and its terms.
type piece struct {
	length frontend.Variable
	terms  []term
}

// shift keeps every exponent non-negative: an integer's bytes are placed
// from its end, up to 32 bytes before its start.
const shift = 32

type gadget struct {
	api      frontend.API
	toCommit []frontend.Variable
}

// Verify proves that tx's payload is the signing payload of its fields,
// signed by the returned sender. It fails at compile time on a Tx that
// NewTx did not shape.
func Verify(api frontend.API, tx *Tx) (*Signed, error) {
	if len(tx.Payload) != PayloadCap(len(tx.Data)) || len(tx.To) != 20 || len(tx.R) != 32 || len(tx.S) != 32 {
		return nil, errors.New("txsig: Tx not shaped by NewTx")
	}
	if len(tx.Data) >= 1<<16-1024 {
		return nil, fmt.Errorf("%w: capacity %d", ErrCapacity, len(tx.Data))
	}
	g := &gadget{api: api}
	for _, f := range []frontend.Variable{tx.Legacy, tx.AccessList, tx.DynamicFee, tx.Create} {
		api.AssertIsBoolean(f)
	}
	api.AssertIsEqual(api.Add(tx.Legacy, tx.AccessList, tx.DynamicFee), 1)
	typed := api.Sub(1, tx.Legacy)

	// Only EIP-1559 transactions have a tip.
	api.AssertIsEqual(api.Mul(api.Sub(1, tx.DynamicFee), tx.GasTipCap.Len), 0)
	chainID := g.integer(tx.ChainID, typed)
	nonce := g.integer(tx.Nonce, 1)
	tip := g.integer(tx.GasTipCap, tx.DynamicFee)
	fee := g.integer(tx.GasFeeCap, 1)
	gas := g.integer(tx.Gas, 1)
	to := g.recipient(tx.To, tx.Create)
	value := g.integer(tx.Value, 1)
	data := g.data(tx.Data, tx.DataLen)
	accessList := g.constant(0xc0, typed)
	legacyChainID := g.integer(tx.ChainID, tx.Legacy)
	zero1, zero2 := g.constant(0x80, tx.Legacy), g.constant(0x80, tx.Legacy)
	body := []piece{chainID, nonce, tip, fee, gas, to, value, data, accessList, legacyChainID, zero1, zero2}

	var listLen frontend.Variable = 0
	for _, p := range body {
		listLen = api.Add(listLen, p.length)
	}
	header := g.lengthHeader(0xc0, listLen)
	typeByte := piece{length: typed, terms: []term{{at: 0, coeffs: []frontend.Variable{api.Add(tx.AccessList, api.Mul(2, tx.DynamicFee))}}}}

	var terms []term
	var offset frontend.Variable = 0
	for _, p := range append([]piece{typeByte, header}, body...) {
		for _, t := range p.terms {
			terms = append(terms, term{at: api.Add(offset, t.at, shift), coeffs: t.coeffs})
		}
		offset = api.Add(offset, p.length)
	}
	api.AssertIsEqual(tx.PayloadLen, offset)

	g.toCommit = append(g.toCommit, tx.Payload...)
	g.toCommit = append(g.toCommit, tx.PayloadLen)
	// The exponents' bits, outside the commitment's callback, which may
	// only compute.
	nbits := bitLen(len(tx.Payload) + 2*shift)
	expBits := make([][]frontend.Variable, len(terms))
	for i, t := range terms {
		expBits[i] = api.ToBinary(t.at, nbits)
	}
	shiftBits := api.ToBinary(shift, nbits)
	// Scheduled when the circuit is complete, like gnark's own deferred
	// checks, so that every gadget can still ask for the one commitment.
	api.Compiler().Defer(func(api frontend.API) error {
		multicommit.WithCommitment(api, func(api frontend.API, x frontend.Variable) error {
			// x^(2^i), for the powers at variable exponents.
			squares := []frontend.Variable{x}
			for len(squares) < nbits {
				squares = append(squares, api.Mul(squares[len(squares)-1], squares[len(squares)-1]))
			}
			pow := func(bits []frontend.Variable) frontend.Variable {
				var r frontend.Variable = 1
				for i, b := range bits {
					r = api.Mul(r, api.Add(1, api.Mul(b, api.Sub(squares[i], 1))))
				}
				return r
			}
			var rhs frontend.Variable = 0
			for i, t := range terms {
				rhs = api.Add(rhs, api.Mul(pow(expBits[i]), horner(api, t.coeffs, x)))
			}
			lhs := api.Mul(pow(shiftBits), horner(api, tx.Payload, x))
			api.AssertIsEqual(lhs, rhs)
			return nil
		}, g.toCommit...)
		return nil
	})

	// Every payload byte is a byte, past the length too (the keccak
	// gadget checks those before it).
	bf, err := uints.NewBytes(api)
	if err != nil {
		return nil, fmt.Errorf("txsig: bytes: %w", err)
	}
	for _, b := range tx.Payload {
		bf.ValueOf(b)
	}
	kh := keccak.New(api)
	sum, err := kh.Sum(tx.Payload, tx.PayloadLen)
	if err != nil {
		return nil, fmt.Errorf("txsig: keccak: %w", err)
	}
	hash := sum[:]

	sender, err := recoverSender(api, kh, hash, tx)
	if err != nil {
		return nil, err
	}
	hashHi, hashLo := bytesValue(api, hash[:16]), bytesValue(api, hash[16:])
	return &Signed{
		Sender: sender, HashHi: hashHi, HashLo: hashLo,
		ChainID: bytesValue(api, tx.ChainID.Bytes), Nonce: bytesValue(api, tx.Nonce.Bytes), Gas: bytesValue(api, tx.Gas.Bytes),
		GasTipCap: halves(api, tx.GasTipCap.Bytes), GasFeeCap: halves(api, tx.GasFeeCap.Bytes), Value: halves(api, tx.Value.Bytes),
		Create: tx.Create, To: bytesValue(api, tx.To),
	}, nil
}

// recoverSender recovers the signer of the signing hash with gnark's
// ECRecover (low s) and returns its address: the last 20 bytes of the
// keccak256 of its public key.
func recoverSender(api frontend.API, kh *keccak.Hasher, hash []frontend.Variable, tx *Tx) (frontend.Variable, error) {
	api.AssertIsBoolean(tx.YParity)
	return RecoverAddress(api, kh, bigEndianBits(api, hash), bigEndianBits(api, tx.R), bigEndianBits(api, tx.S), api.Add(tx.YParity, 27), 1, 0)
}

// RecoverAddress is the address that signed the 256-bit hash msg with
// the signature (v, r, s), as Ethereum recovers it: the last 20 bytes of
// the keccak256 of the public key gnark's ECRecover gives, hashed with
// kh's tables. msg, r and s are 256 bits each, least significant first;
// v is 27 or 28. Where lowS is 1, s must be at most half the group order
// (a transaction's signature); otherwise below the order (the ecrecover
// precompile). failure is 1 where the signature recovers no key (then
// the address is of no key and means nothing): ECRecover constrains it.
// r must be nonzero and below the order: the caller checks that.
func RecoverAddress(api frontend.API, kh *keccak.Hasher, msg, r, s []frontend.Variable, v, lowS, failure frontend.Variable) (frontend.Variable, error) {
	fr, err := emulated.NewField[emulated.Secp256k1Fr](api)
	if err != nil {
		return nil, fmt.Errorf("txsig: secp256k1 scalars: %w", err)
	}
	fp, err := emulated.NewField[emulated.Secp256k1Fp](api)
	if err != nil {
		return nil, fmt.Errorf("txsig: secp256k1 base field: %w", err)
	}
	pk := evmprecompiles.ECRecover(api, *fr.FromBits(msg...), v, *fr.FromBits(r...), *fr.FromBits(s...), lowS, failure)
	key := make([]frontend.Variable, 0, 64)
	for _, c := range []*emulated.Element[emulated.Secp256k1Fp]{&pk.X, &pk.Y} {
		b := fp.ToBitsCanonical(c)
		for k := 31; k >= 0; k-- {
			key = append(key, api.FromBinary(b[8*k:8*k+8]...))
		}
	}
	sum, err := kh.Sum(key, len(key))
	if err != nil {
		return nil, fmt.Errorf("txsig: keccak: %w", err)
	}
	return bytesValue(api, sum[12:]), nil
}

// integer encodes an RLP integer, present or not (an absent one encodes
// to nothing), and checks it is canonical: no leading
// zero byte, and a single byte below 0x80 written without a prefix.
func (g *gadget) integer(n Int, present frontend.Variable) piece {
	api := g.api
	w := len(n.Bytes)
	g.toCommit = append(g.toCommit, n.Bytes...)
	g.toCommit = append(g.toCommit, n.Len)
	zeros := prefixMask(api, w, api.Sub(w, n.Len))
	var first frontend.Variable = 0
	prev := frontend.Variable(1)
	for i, b := range n.Bytes {
		api.AssertIsEqual(api.Mul(zeros[i], b), 0)
		first = api.Add(first, api.Mul(api.Sub(prev, zeros[i]), b))
		prev = zeros[i]
	}
	// The first significant byte is not zero: its value is zero exactly
	// when the integer has no significant byte.
	api.AssertIsEqual(api.IsZero(first), api.IsZero(n.Len))
	high := api.ToBinary(first, 8)[7]
	single := api.Mul(api.IsZero(api.Sub(n.Len, 1)), api.Sub(1, high))
	prefixed := api.Sub(1, single)
	coeffs := n.Bytes
	if present != frontend.Variable(1) {
		coeffs = make([]frontend.Variable, w)
		for i, b := range n.Bytes {
			coeffs[i] = api.Mul(present, b)
		}
	}
	return piece{
		length: api.Mul(present, api.Add(n.Len, prefixed)),
		terms: []term{
			{at: 0, coeffs: []frontend.Variable{api.Mul(present, prefixed, api.Add(0x80, n.Len))}},
			{at: api.Sub(api.Add(prefixed, n.Len), w), coeffs: coeffs},
		},
	}
}

// recipient encodes the 20-byte recipient, or the empty string of a
// creation.
func (g *gadget) recipient(to []frontend.Variable, create frontend.Variable) piece {
	api := g.api
	g.toCommit = append(g.toCommit, to...)
	g.toCommit = append(g.toCommit, create)
	// A creation has no recipient: its To is zero, and not in the payload.
	notCreate := api.Sub(1, create)
	coeffs := make([]frontend.Variable, len(to))
	for i, b := range to {
		api.AssertIsEqual(api.Mul(create, b), 0)
		coeffs[i] = api.Mul(notCreate, b)
	}
	return piece{
		length: api.Add(1, api.Mul(20, notCreate)),
		terms: []term{
			{at: 0, coeffs: []frontend.Variable{api.Add(0x80, api.Mul(20, notCreate))}},
			{at: 1, coeffs: coeffs},
		},
	}
}

// data encodes the calldata as an RLP string: a single byte below 0x80 as
// itself, else a length header and the bytes.
func (g *gadget) data(d []frontend.Variable, n frontend.Variable) piece {
	api := g.api
	g.toCommit = append(g.toCommit, d...)
	g.toCommit = append(g.toCommit, n)
	used := prefixMask(api, len(d), n)
	for i, b := range d {
		api.AssertIsEqual(api.Mul(api.Sub(1, used[i]), b), 0)
	}
	var first frontend.Variable = 0
	if len(d) > 0 {
		first = d[0]
	}
	high := api.ToBinary(first, 8)[7]
	single := api.Mul(api.IsZero(api.Sub(n, 1)), api.Sub(1, high))
	h := g.lengthHeader(0x80, n)
	prefixed := api.Sub(1, single)
	for i := range h.terms {
		for k := range h.terms[i].coeffs {
			h.terms[i].coeffs[k] = api.Mul(prefixed, h.terms[i].coeffs[k])
		}
	}
	hl := api.Mul(prefixed, h.length)
	return piece{
		length: api.Add(hl, n),
		terms:  append(h.terms, term{at: hl, coeffs: d}),
	}
}

// lengthHeader encodes RLP's header of a string (base 0x80) or list (base
// 0xc0) of n < 2^16 bytes: base+n below 56 bytes, else base+55 plus the
// length of the length, then the length big-endian.
func (g *gadget) lengthHeader(base int, n frontend.Variable) piece {
	api := g.api
	long := api.ToBinary(api.Add(n, 1<<16-56), 17)[16]
	two := api.ToBinary(api.Add(n, 1<<16-256), 17)[16]
	nb := api.ToBinary(n, 16)
	lo, hi := api.FromBinary(nb[:8]...), api.FromBinary(nb[8:]...)
	short := api.Sub(1, long)
	h0 := api.Add(api.Mul(short, api.Add(base, n)), api.Mul(long, api.Add(base+56, two)))
	h1 := api.Mul(long, api.Add(api.Mul(api.Sub(1, two), lo), api.Mul(two, hi)))
	h2 := api.Mul(long, two, lo)
	return piece{
		length: api.Add(1, api.Mul(long, api.Add(1, two))),
		terms:  []term{{at: 0, coeffs: []frontend.Variable{h0, h1, h2}}},
	}
}

// constant is one fixed byte, present or not.
func (g *gadget) constant(b int, present frontend.Variable) piece {
	return piece{length: present, terms: []term{{at: 0, coeffs: []frontend.Variable{g.api.Mul(present, b)}}}}
}

// prefixMask returns n bits, the first count of them 1 and the rest 0.
func prefixMask(api frontend.API, n int, count frontend.Variable) []frontend.Variable {
	if n == 0 {
		api.AssertIsEqual(count, 0)
		return nil
	}
	m, err := api.Compiler().NewHint(prefixMaskHint, n, count)
	if err != nil {
		panic(err)
	}
	var sum frontend.Variable = 0
	for i := range m {
		api.AssertIsBoolean(m[i])
		if i > 0 {
			api.AssertIsEqual(api.Mul(m[i], api.Sub(1, m[i-1])), 0)
		}
		sum = api.Add(sum, m[i])
	}
	api.AssertIsEqual(sum, count)
	return m
}

// prefixMaskHint sets the first inputs[0] outputs to 1.
func prefixMaskHint(_ *big.Int, inputs, outputs []*big.Int) error {
	if len(inputs) != 1 {
		return errors.New("txsig: prefixMaskHint takes one input")
	}
	for i := range outputs {
		outputs[i].SetUint64(0)
		if inputs[0].IsInt64() && int64(i) < inputs[0].Int64() {
			outputs[i].SetUint64(1)
		}
	}
	return nil
}

// bitLen is the number of bits of n.
func bitLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

// horner is Σ_k c[k]·x^k.
func horner(api frontend.API, c []frontend.Variable, x frontend.Variable) frontend.Variable {
	var r frontend.Variable = 0
	for k := len(c) - 1; k >= 0; k-- {
		r = api.Add(api.Mul(r, x), c[k])
	}
	return r
}

// bytesValue is the big-endian value of bytes (at most 31 of them).
func bytesValue(api frontend.API, b []frontend.Variable) frontend.Variable {
	var r frontend.Variable = 0
	for _, v := range b {
		r = api.Add(api.Mul(r, 256), v)
	}
	return r
}

// halves is a 32-byte big-endian integer's high and low 128 bits.
func halves(api frontend.API, b []frontend.Variable) [2]frontend.Variable {
	return [2]frontend.Variable{bytesValue(api, b[:16]), bytesValue(api, b[16:])}
}

// bigEndianBits is the bits of big-endian bytes, least significant first;
// it checks every byte is below 256.
func bigEndianBits(api frontend.API, b []frontend.Variable) []frontend.Variable {
	out := make([]frontend.Variable, 0, 8*len(b))
	for i := len(b) - 1; i >= 0; i-- {
		out = append(out, api.ToBinary(b[i], 8)...)
	}
	return out
}
