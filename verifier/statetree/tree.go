package statetree

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr/poseidon2"
	"github.com/ethereum/go-ethereum/common"
)

// Depth is how many levels a path has: an entry's index is its key's low
// Depth bits.
const Depth = 128

// Errors the tree returns.
var (
	// ErrIndexTaken: another key with a nonzero value holds the leaf the
	// key's index names.
	ErrIndexTaken = errors.New("statetree: leaf index held by another key")
)

// node is one node of a persistent tree: a leaf (at height 0) holds its
// entry's key and value; an inner node its children, nil for an empty
// subtree.
type node struct {
	hash        fr.Element
	left, right *node
	key         fr.Element
	value       common.Hash
}

// Tree is a sparse Merkle tree of Depth levels. The zero value is not
// usable; New returns the empty tree.
type Tree struct {
	root  *node
	count int
}

// New returns the empty tree.
func New() *Tree { return &Tree{} }

// empty[h] is the hash of an empty subtree of height h.
var empty = func() [Depth + 1]fr.Element {
	var e [Depth + 1]fr.Element
	for h := 1; h <= Depth; h++ {
		e[h] = compress(&e[h-1], &e[h-1])
	}
	return e
}()

var perm = poseidon2.NewDefaultPermutation()

// compress is Poseidon2's two-to-one compression, as gnark's circuit
// Compress computes it.
func compress(a, b *fr.Element) fr.Element {
	l, r := a.Bytes(), b.Bytes()
	out, err := perm.Compress(l[:], r[:])
	if err != nil {
		panic(fmt.Sprintf("statetree: poseidon2 compress: %v", err)) // inputs are always one element each
	}
	var e fr.Element
	e.SetBytes(out)
	return e
}

// LeafHash is the hash of the leaf holding key with value: zero for a
// zero value, else Compress(key, Compress(valueHi, valueLo)).
func LeafHash(key fr.Element, value common.Hash) fr.Element {
	if value == (common.Hash{}) {
		return fr.Element{}
	}
	var hi, lo fr.Element
	hi.SetBytes(value[:16])
	lo.SetBytes(value[16:])
	v := compress(&hi, &lo)
	return compress(&key, &v)
}

// index is key's canonical integer, whose low Depth bits name its leaf.
func index(key *fr.Element) *big.Int { return key.BigInt(new(big.Int)) }

// Root is the tree's root hash.
func (t *Tree) Root() fr.Element { return hashOf(t.root, Depth) }

// RootHash is Root as the 32-byte big-endian word a batch header holds.
func (t *Tree) RootHash() common.Hash { r := t.Root(); return common.Hash(r.Bytes()) }

// Len is the number of entries with a nonzero value.
func (t *Tree) Len() int { return t.count }

func hashOf(n *node, height int) fr.Element {
	if n == nil {
		return empty[height]
	}
	return n.hash
}

// leaf finds the leaf key's index names, nil if empty.
func (t *Tree) leaf(key fr.Element) *node {
	n, idx := t.root, index(&key)
	for h := Depth; h > 0 && n != nil; h-- {
		if idx.Bit(h-1) == 1 {
			n = n.right
		} else {
			n = n.left
		}
	}
	return n
}

// Get is key's value, zero where it has none.
func (t *Tree) Get(key fr.Element) common.Hash {
	if l := t.leaf(key); l != nil && l.key.Equal(&key) {
		return l.value
	}
	return common.Hash{}
}

// Set returns the tree with key's value set to value (a zero value
// removes the entry); t is left as it was. It fails with ErrIndexTaken
// where another key with a nonzero value holds the leaf.
func (t *Tree) Set(key fr.Element, value common.Hash) (*Tree, error) {
	old := t.leaf(key)
	if old != nil && !old.key.Equal(&key) {
		if value == (common.Hash{}) {
			return t, nil
		}
		return nil, fmt.Errorf("%w: key %s, held by %s", ErrIndexTaken, key.String(), old.key.String())
	}
	count := t.count
	if old != nil {
		count--
	}
	var l *node
	if value != (common.Hash{}) {
		l = &node{hash: LeafHash(key, value), key: key, value: value}
		count++
	}
	return &Tree{root: set(t.root, Depth, index(&key), l), count: count}, nil
}

// set returns n (a subtree of height h) with the leaf at idx
// replaced by l, copying the nodes on the path.
func set(n *node, h int, idx *big.Int, l *node) *node {
	if h == 0 {
		return l
	}
	var left, right *node
	if n != nil {
		left, right = n.left, n.right
	}
	if idx.Bit(h-1) == 1 {
		right = set(right, h-1, idx, l)
	} else {
		left = set(left, h-1, idx, l)
	}
	if left == nil && right == nil {
		return nil
	}
	lh, rh := hashOf(left, h-1), hashOf(right, h-1)
	return &node{hash: compress(&lh, &rh), left: left, right: right}
}

// Proof is the Merkle path of a key's leaf: Siblings[i] is the sibling
// of the path's node at height i (Siblings[0] the leaf's).
type Proof struct {
	Siblings [Depth]fr.Element
}

// Prove returns the path of the leaf key's index names, good for its
// value before and after any Set of key.
func (t *Tree) Prove(key fr.Element) *Proof {
	return t.proveIndex(index(&key))
}

// proveIndex is the path of the leaf at idx's low Depth bits.
func (t *Tree) proveIndex(idx *big.Int) *Proof {
	p := new(Proof)
	n := t.root
	for h := Depth; h > 0; h-- {
		var next, sib *node
		if n != nil {
			if idx.Bit(h-1) == 1 {
				next, sib = n.right, n.left
			} else {
				next, sib = n.left, n.right
			}
		}
		p.Siblings[h-1] = hashOf(sib, h-1)
		n = next
	}
	return p
}

// RootOf is the root a path gives for key holding value.
func (p *Proof) RootOf(key fr.Element, value common.Hash) fr.Element {
	cur, idx := LeafHash(key, value), index(&key)
	for h := range Depth {
		if idx.Bit(h) == 1 {
			cur = compress(&p.Siblings[h], &cur)
		} else {
			cur = compress(&cur, &p.Siblings[h])
		}
	}
	return cur
}
