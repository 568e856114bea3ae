package statetree

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"
)

func key(v int64) fr.Element {
	var k fr.Element
	k.SetInt64(v)
	return k
}

// collider is a key with k's index (its low Depth bits) and another
// value.
func collider(k fr.Element) fr.Element {
	var c fr.Element
	c.SetBigInt(new(big.Int).Lsh(big.NewInt(1), Depth))
	c.Add(&c, &k)
	return c
}

func word(v int64) common.Hash { return common.BigToHash(big.NewInt(v)) }

func mustSet(t *testing.T, tr *Tree, k fr.Element, v common.Hash) *Tree {
	t.Helper()
	next, err := tr.Set(k, v)
	require.NoError(t, err)
	return next
}

func TestTree(t *testing.T) {
	big := common.HexToHash("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
	tests := []struct {
		name string
		sets []struct {
			k int64
			v common.Hash
		}
		want map[int64]common.Hash
		n    int
	}{
		{name: "empty", want: map[int64]common.Hash{1: {}}, n: 0},
		{name: "one", sets: []struct {
			k int64
			v common.Hash
		}{{1, word(7)}}, want: map[int64]common.Hash{1: word(7), 2: {}}, n: 1},
		{name: "overwrite", sets: []struct {
			k int64
			v common.Hash
		}{{1, word(7)}, {1, big}}, want: map[int64]common.Hash{1: big}, n: 1},
		{name: "removed", sets: []struct {
			k int64
			v common.Hash
		}{{1, word(7)}, {2, word(8)}, {1, common.Hash{}}}, want: map[int64]common.Hash{1: {}, 2: word(8)}, n: 1},
		{name: "siblings", sets: []struct {
			k int64
			v common.Hash
		}{{2, word(1)}, {3, word(2)}, {1 << 40, word(3)}}, want: map[int64]common.Hash{2: word(1), 3: word(2), 1 << 40: word(3)}, n: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := New()
			for _, s := range tc.sets {
				before := tr.Root()
				p := tr.Prove(key(s.k))
				old := tr.Get(key(s.k))
				require.Equal(t, before, p.RootOf(key(s.k), old), "path before the set")
				tr = mustSet(t, tr, key(s.k), s.v)
				require.Equal(t, tr.Root(), p.RootOf(key(s.k), s.v), "the same path gives the root after")
			}
			for k, v := range tc.want {
				require.Equal(t, v, tr.Get(key(k)))
				require.Equal(t, tr.Root(), tr.Prove(key(k)).RootOf(key(k), v))
			}
			require.Equal(t, tc.n, tr.Len())
		})
	}
}

// TestTreeCanonical: the root depends on the entries, not on the order
// they were set in or on entries set and removed.
func TestTreeCanonical(t *testing.T) {
	a := mustSet(t, mustSet(t, mustSet(t, New(), key(5), word(1)), key(6), word(2)), key(9), word(3))
	b := mustSet(t, mustSet(t, New(), key(9), word(3)), key(6), word(2))
	b = mustSet(t, mustSet(t, b, key(4), word(4)), key(5), word(1))
	b = mustSet(t, b, key(4), common.Hash{})
	require.Equal(t, a.Root(), b.Root())
	for _, k := range []int64{5, 6, 9} {
		b = mustSet(t, b, key(k), common.Hash{})
	}
	require.Equal(t, New().Root(), b.Root(), "every entry removed is the empty tree")
	require.NotEqual(t, a.Root(), mustSet(t, a, key(6), word(3)).Root(), "another value, another root")
}

// TestTreePersistent: Set leaves the tree it was called on as it was.
func TestTreePersistent(t *testing.T) {
	a := mustSet(t, New(), key(1), word(1))
	root := a.Root()
	b := mustSet(t, a, key(1), word(2))
	c := mustSet(t, a, key(2), word(3))
	require.Equal(t, root, a.Root())
	require.Equal(t, word(1), a.Get(key(1)))
	require.Equal(t, word(2), b.Get(key(1)))
	require.Equal(t, common.Hash{}, b.Get(key(2)))
	require.Equal(t, word(3), c.Get(key(2)))
}

// TestTreeCollision: a key whose index another key's nonzero entry
// holds is refused, reads as zero, and its path does not prove it zero.
func TestTreeCollision(t *testing.T) {
	k := key(11)
	c := collider(k)
	tr := mustSet(t, New(), k, word(1))
	_, err := tr.Set(c, word(2))
	require.ErrorIs(t, err, ErrIndexTaken)
	require.Equal(t, common.Hash{}, tr.Get(c))
	require.NotEqual(t, tr.Root(), tr.Prove(c).RootOf(c, common.Hash{}), "the leaf is k's, not empty")
	same, err := tr.Set(c, common.Hash{})
	require.NoError(t, err)
	require.Equal(t, tr.Root(), same.Root(), "removing a key that has no entry changes nothing")
	// Once k is gone the collider may take the leaf.
	tr = mustSet(t, mustSet(t, tr, k, common.Hash{}), c, word(2))
	require.Equal(t, word(2), tr.Get(c))
	require.Equal(t, common.Hash{}, tr.Get(k))
}
