package statetree

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/bits"
	"github.com/consensys/gnark/std/permutation/poseidon2"
	"github.com/ethereum/go-ethereum/common"
)

// Entry is one entry's change in a circuit: its key, its value before
// and after as 128-bit halves (which the caller range-checks), and the
// Merkle path of its leaf ([Tree.Prove], on the tree before or after:
// the siblings are the same).
type Entry struct {
	Key                frontend.Variable
	BeforeHi, BeforeLo frontend.Variable
	AfterHi, AfterLo   frontend.Variable
	Siblings           [Depth]frontend.Variable
}

// Assign is the assignment of e for key's change from before to after,
// with its path p.
func Assign(key fr.Element, before, after common.Hash, p *Proof) Entry {
	half := func(b []byte) *big.Int { return new(big.Int).SetBytes(b) }
	e := Entry{Key: key, BeforeHi: half(before[:16]), BeforeLo: half(before[16:]), AfterHi: half(after[:16]), AfterLo: half(after[16:])}
	for i := range p.Siblings {
		e.Siblings[i] = p.Siblings[i]
	}
	return e
}

// Updater checks entries' changes against a root in one circuit.
type Updater struct {
	api  frontend.API
	perm *poseidon2.Permutation
	// lax drops the key decomposition's reducedness check, for the test
	// that shows it is needed.
	lax bool
}

// NewUpdater returns an Updater for api's circuit, whose field must be
// BLS12-377's scalar field (the tree's).
func NewUpdater(api frontend.API) (*Updater, error) {
	p, err := poseidon2.NewPoseidon2(api)
	if err != nil {
		return nil, fmt.Errorf("statetree: poseidon2: %w", err)
	}
	return &Updater{api: api, perm: p}, nil
}

// leaf is LeafHash in the circuit.
func (u *Updater) leaf(key, hi, lo frontend.Variable) frontend.Variable {
	api := u.api
	zero := api.Mul(api.IsZero(hi), api.IsZero(lo))
	h := u.perm.Compress(key, u.perm.Compress(hi, lo))
	return api.Mul(api.Sub(1, zero), h)
}

// Update asserts that root is the tree's root with e's key holding its
// value before (zero for none) and returns the root with it holding its
// value after. Where enabled is 0 it asserts nothing and returns root.
func (u *Updater) Update(root frontend.Variable, e *Entry, enabled frontend.Variable) frontend.Variable {
	api := u.api
	// The index is the low bits of the key's canonical decomposition (a
	// decomposition of key + r would name another leaf).
	var opts []bits.BaseConversionOption
	if u.lax {
		opts = append(opts, bits.OmitModulusCheck())
	}
	bs := bits.ToBinary(api, e.Key, opts...)
	before := u.leaf(e.Key, e.BeforeHi, e.BeforeLo)
	after := u.leaf(e.Key, e.AfterHi, e.AfterLo)
	for h := range Depth {
		b, s := bs[h], e.Siblings[h]
		// (left, right) = b ? (s, cur) : (cur, s), one product each.
		d := api.Mul(b, api.Sub(s, before))
		before = u.perm.Compress(api.Add(before, d), api.Sub(s, d))
		d = api.Mul(b, api.Sub(s, after))
		after = u.perm.Compress(api.Add(after, d), api.Sub(s, d))
	}
	api.AssertIsEqual(api.Mul(enabled, api.Sub(before, root)), 0)
	return api.Select(enabled, after, root)
}
