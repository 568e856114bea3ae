package batch

import (
	"errors"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/boosterkit/go-booster/verifier/statetree"
)

// The batch's storage memory argument.
//
// Storage is carried across segments by offline memory checking (Blum
// et al.) with a log-derivative sum. A slot is named by its layer and
// address, packed into one element (slotOwner), and its 256-bit key. Each
// frame segment takes a time, one more than the frames before it, and for
// every slot the frame touched reads (slot, initial value, time of the
// write it reads) and writes (slot, value it leaves, its own time); the
// end segments write each slot's value before the batch at time 0 and
// read its value after the batch at the time of its last write, one entry
// per slot, sorted. The reads and the writes are the same multiset if and
// only if every frame read what the frame before it left (every read's
// time is below its frame's, and each time is written at most once per
// slot), and the end entries are the batch's first and last values.
//
// The multisets are compared by Σ 1/(α − fp(write)) − Σ 1/(α − fp(read)),
// fp(owner, key, value, time) = owner + β·keyHi + β²·keyLo + β³·valueHi +
// β⁴·valueLo + β⁵·time, summed segment by segment in the boundary. The
// challenges α and β are Poseidon2 hashes of a hash chain, also carried in
// the boundary, over everything a fingerprint is made of (each frame's
// commitment, which binds its slots, its layer, its time and its read
// times; each end entry): the header takes them as given, the last end
// segment checks them against the chain, so they are drawn after every
// tuple is fixed (Fiat–Shamir over the whole batch).

// memory is the memory argument's part of a boundary: the challenges, the
// time (frames proven so far), the hash chain, the running sum and the
// last end entry's slot (LastOwner 0 before the first); and the L2 state:
// L2Root is the L2 state tree's root as the end segments so far leave it
// (the root before the batch until the first), L2NewHi and L2NewLo the
// halves of the root the header says the batch leaves.
type memory struct {
	Alpha, Beta, Time, Acc, Sum frontend.Variable
	LastOwner, LastHi, LastLo   frontend.Variable
	L2Root, L2NewHi, L2NewLo    frontend.Variable
}

// elements lists m in boundary order.
func (m memory) elements() []frontend.Variable {
	return []frontend.Variable{m.Alpha, m.Beta, m.Time, m.Acc, m.Sum, m.LastOwner, m.LastHi, m.LastLo, m.L2Root, m.L2NewHi, m.L2NewLo}
}

// next is m with the argument's time, hash chain and sum moved on (the
// rest kept).
func (m memory) next(t, acc, sum frontend.Variable) memory {
	n := m
	n.Time, n.Acc, n.Sum = t, acc, sum
	return n
}

// fingerprint is fp(owner, key, value, time) in the circuit.
func (m memory) fingerprint(api frontend.API, owner, keyHi, keyLo, valHi, valLo, t frontend.Variable) frontend.Variable {
	acc := t
	for _, v := range []frontend.Variable{valLo, valHi, keyLo, keyHi} {
		acc = api.Add(api.Mul(acc, m.Beta), v)
	}
	return api.Add(api.Mul(acc, m.Beta), owner)
}

// term is 1/(α − fp) in the circuit.
func (m memory) term(api frontend.API, fp frontend.Variable) frontend.Variable {
	return api.Inverse(api.Sub(m.Alpha, fp))
}

// timeBits bounds the times: a batch proves fewer than 2^32 frames.
const timeBits = 32

// ownerBits bounds the owners of the storage argument's slots: below
// 2^166 but for transient slots, whose owners take a time times 2^166.
const ownerBits = 166 + timeBits

// timesPerElement is how many read times the hash chain packs into one
// element.
const timesPerElement = 7

// packTimes packs times timesPerElement to an element, in the circuit.
func packTimes(api frontend.API, ts []frontend.Variable) []frontend.Variable {
	var out []frontend.Variable
	for i := 0; i < len(ts); i += timesPerElement {
		var v frontend.Variable = 0
		for j := min(i+timesPerElement, len(ts)) - 1; j >= i; j-- {
			v = api.Add(api.Mul(v, new(big.Int).Lsh(big.NewInt(1), timeBits)), ts[j])
		}
		out = append(out, v)
	}
	return out
}

// two160 is 2^160: slotOwner puts the layer above the address.
var two160 = new(big.Int).Lsh(big.NewInt(1), 160)

// slotOwner packs a layer (1 for L1) and a 160-bit address into one
// nonzero element: 1 + layer·2^160 + address.
func slotOwner(api frontend.API, l1, address frontend.Variable) frontend.Variable {
	return api.Add(1, api.Mul(l1, two160), address)
}

// slotEntry is one slot of an end segment's list: its layer and address,
// key, value before the batch, value after it, and the time of its last
// write (0 if no frame wrote it: then Final is Init).
type slotEntry struct {
	Used, L1, Nonce frontend.Variable
	// Transient marks an L2 account's transient slot in the transaction
	// whose segment's time is Tx (transientOwner): its value before is
	// zero, and it is in no tree or list.
	Transient, Tx          frontend.Variable
	Address                frontend.Variable
	KeyHi, KeyLo           frontend.Variable
	InitHi, InitLo         frontend.Variable
	FinalHi, FinalLo, Time frontend.Variable
	// Siblings is an L2 slot's path in the L2 state tree (zeros for an
	// L1 slot).
	Siblings [statetree.Depth]frontend.Variable
}

// orderHint tells which part of (owner, hi, lo) first differs between
// the previous slot and this one: outputs (1, 0) for the owner, (0, 1)
// for the key's high half, (0, 0) for its low half.
func orderHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 6 || len(out) != 2 {
		return errors.New("batch: orderHint takes 6 inputs and gives 2")
	}
	out[0].SetUint64(0)
	out[1].SetUint64(0)
	switch {
	case in[0].Cmp(in[3]) != 0:
		out[0].SetUint64(1)
	case in[1].Cmp(in[4]) != 0:
		out[1].SetUint64(1)
	}
	return nil
}

func init() { solver.RegisterHint(orderHint) }

// assertAfter asserts that (owner, hi, lo) comes strictly after (pOwner,
// pHi, pLo), lexicographically, when used is 1; every part is range
// bounded (owner below 6·2^162, the halves below 2^128).
func assertAfter(api frontend.API, used, pOwner, pHi, pLo, owner, hi, lo frontend.Variable) {
	sel, err := api.Compiler().NewHint(orderHint, 2, pOwner, pHi, pLo, owner, hi, lo)
	if err != nil {
		panic(err)
	}
	s0, s1 := sel[0], sel[1]
	api.AssertIsBoolean(s0)
	api.AssertIsBoolean(s1)
	api.AssertIsEqual(api.Mul(s0, s1), 0)
	s2 := api.Sub(1, api.Add(s0, s1))
	// Below the part that differs, the parts are equal.
	api.AssertIsEqual(api.Mul(used, api.Sub(1, s0), api.Sub(owner, pOwner)), 0)
	api.AssertIsEqual(api.Mul(used, s2, api.Sub(hi, pHi)), 0)
	// The part that differs grows: its difference less one is small.
	d := api.Add(api.Mul(s0, api.Sub(owner, pOwner, 1)), api.Mul(s1, api.Sub(hi, pHi, 1)), api.Mul(s2, api.Sub(lo, pLo, 1)))
	api.ToBinary(api.Mul(used, d), ownerBits)
}

// Outside the circuit.

// memTuple is one read or write of the argument, outside the circuit.
type memTuple struct {
	write               bool
	owner, keyHi, keyLo fr.Element
	valHi, valLo, time  fr.Element
}

// fingerprintOf is fp outside the circuit.
func fingerprintOf(beta *fr.Element, t *memTuple) fr.Element {
	acc := t.time
	for _, v := range []fr.Element{t.valLo, t.valHi, t.keyLo, t.keyHi} {
		acc.Mul(&acc, beta)
		acc.Add(&acc, &v)
	}
	acc.Mul(&acc, beta)
	acc.Add(&acc, &t.owner)
	return acc
}

// sumOf adds the terms of ts to sum: +1/(α − fp) for a write, − for a read.
func sumOf(sum fr.Element, alpha, beta *fr.Element, ts []memTuple) fr.Element {
	for i := range ts {
		fp := fingerprintOf(beta, &ts[i])
		var d fr.Element
		d.Sub(alpha, &fp)
		d.Inverse(&d)
		if ts[i].write {
			sum.Add(&sum, &d)
		} else {
			sum.Sub(&sum, &d)
		}
	}
	return sum
}

// challenges are α and β from the hash chain's last value.
func challenges(acc fr.Element) (alpha, beta fr.Element) {
	return hashElements(acc, fr.NewElement(1)), hashElements(acc, fr.NewElement(2))
}

// packTimesOf is packTimes outside the circuit.
func packTimesOf(ts []uint64) []fr.Element {
	var out []fr.Element
	for i := 0; i < len(ts); i += timesPerElement {
		v := new(big.Int)
		for j := min(i+timesPerElement, len(ts)) - 1; j >= i; j-- {
			v.Lsh(v, timeBits)
			v.Add(v, new(big.Int).SetUint64(ts[j]))
		}
		var e fr.Element
		e.SetBigInt(v)
		out = append(out, e)
	}
	return out
}
