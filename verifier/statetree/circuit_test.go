package statetree

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/math/bits"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"
)

// updateCircuit chains two entries' updates from Root to Want.
type updateCircuit struct {
	Root, Want frontend.Variable
	Entries    [2]Entry
	Enabled    [2]frontend.Variable
	lax        bool `gnark:"-"`
}

func (c *updateCircuit) Define(api frontend.API) error {
	u, err := NewUpdater(api)
	if err != nil {
		return err
	}
	u.lax = c.lax
	root := c.Root
	for i := range c.Entries {
		root = u.Update(root, &c.Entries[i], c.Enabled[i])
	}
	api.AssertIsEqual(root, c.Want)
	return nil
}

type change struct {
	k             fr.Element
	before, after common.Hash
}

// assignment is the witness of changes applied in order to tr.
func assignment(t *testing.T, tr *Tree, cs [2]change) *updateCircuit {
	t.Helper()
	a := &updateCircuit{Root: tr.Root()}
	for i, c := range cs {
		a.Entries[i] = Assign(c.k, c.before, c.after, tr.Prove(c.k))
		a.Enabled[i] = 1
		tr = mustSet(t, tr, c.k, c.after)
	}
	a.Want = tr.Root()
	return a
}

func TestUpdate(t *testing.T) {
	base := mustSet(t, mustSet(t, New(), key(3), word(30)), key(1<<50), word(40))
	ok := [2]change{{key(3), word(30), word(31)}, {key(8), common.Hash{}, word(80)}}
	tests := []struct {
		name  string
		tweak func(a *updateCircuit)
		bad   bool
	}{
		{name: "valid"},
		{name: "a read: before equals after", tweak: func(a *updateCircuit) {}},
		{name: "disabled entry changes nothing", tweak: func(a *updateCircuit) {
			a.Enabled[1] = 0
			a.Entries[1].BeforeLo = 12345 // not checked
			a.Want = mustSet(t, base, key(3), word(31)).Root()
		}},
		{name: "value before not the tree's", bad: true, tweak: func(a *updateCircuit) { a.Entries[0].BeforeLo = 29 }},
		{name: "an entry claimed empty", bad: true, tweak: func(a *updateCircuit) { a.Entries[0].BeforeLo = 0 }},
		{name: "another key at the same leaf", bad: true, tweak: func(a *updateCircuit) {
			a.Entries[0].Key = collider(key(3))
		}},
		{name: "a sibling changed", bad: true, tweak: func(a *updateCircuit) { a.Entries[1].Siblings[Depth-1] = 1 }},
		{name: "another root after", bad: true, tweak: func(a *updateCircuit) { a.Want = base.Root() }},
		{name: "another root before", bad: true, tweak: func(a *updateCircuit) { a.Root = New().Root() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := ok
			if tc.name == "a read: before equals after" {
				cs[0].after = cs[0].before
			}
			a := assignment(t, base, cs)
			if tc.tweak != nil {
				tc.tweak(a)
			}
			err := test.IsSolved(&updateCircuit{}, a, ecc.BLS12_377.ScalarField())
			if tc.bad && err == nil {
				t.Fatal("a wrong witness is accepted")
			}
			if !tc.bad && err != nil {
				t.Fatalf("the witness is refused: %v", err)
			}
		})
	}
}

// TestUpdateCollision: the circuit cannot show a key that collides with
// an entry as empty, so it cannot set it either.
func TestUpdateCollision(t *testing.T) {
	tr := mustSet(t, New(), key(5), word(1))
	c := collider(key(5))
	a := &updateCircuit{Root: tr.Root(), Want: tr.Root()}
	a.Entries[0] = Assign(c, common.Hash{}, common.Hash{}, tr.Prove(c))
	a.Entries[1] = Assign(key(6), common.Hash{}, common.Hash{}, tr.Prove(key(6)))
	a.Enabled = [2]frontend.Variable{1, 1}
	if err := test.IsSolved(&updateCircuit{}, a, ecc.BLS12_377.ScalarField()); err == nil {
		t.Fatal("a collider shown as empty")
	}
	a.Enabled[0] = 0
	if err := test.IsSolved(&updateCircuit{}, a, ecc.BLS12_377.ScalarField()); err != nil {
		t.Fatalf("the control (only the empty key) is refused: %v", err)
	}
}

// TestUpdateCanonicalKey: a prover that decomposes a key as key + r (so
// that its low bits name another, empty leaf) to show an entry empty is
// refused by the decomposition's reducedness check, and accepted without
// it.
func TestUpdateCanonicalKey(t *testing.T) {
	k := key(77)
	tr := mustSet(t, New(), k, word(1))
	r := fr.Modulus()
	shifted := new(big.Int).Add(r, big.NewInt(77))
	require.NotEqual(t, shifted.Bit(0)|shifted.Bit(1)<<1, uint(77&3), "the forged index is another leaf")
	a := &updateCircuit{Root: tr.Root(), Want: tr.Root(), Enabled: [2]frontend.Variable{1, 0}}
	a.Entries[0] = Assign(k, common.Hash{}, common.Hash{}, tr.proveIndex(shifted))
	a.Entries[1] = Assign(key(0), common.Hash{}, common.Hash{}, tr.Prove(key(0)))
	w, err := frontend.NewWitness(a, ecc.BLS12_377.ScalarField())
	require.NoError(t, err)
	forged := func(_ *big.Int, in, out []*big.Int) error {
		n := in[0]
		if n.Cmp(big.NewInt(77)) == 0 && len(out) == fr.Bits {
			n = shifted
		}
		for i := range out {
			out[i].SetUint64(uint64(n.Bit(i)))
		}
		return nil
	}
	nBits := solver.GetHintID(bits.GetHints()[1])
	for _, lax := range []bool{false, true} {
		ccs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, &updateCircuit{lax: lax})
		require.NoError(t, err)
		err = ccs.IsSolved(w, solver.OverrideHint(nBits, forged))
		if lax {
			require.NoError(t, err, "without the check the forged decomposition passes (the test's control)")
		} else {
			require.Error(t, err, "the forged decomposition is refused")
		}
	}
}
