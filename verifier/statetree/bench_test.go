package statetree

import (
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/accumulator/merkle"
	"github.com/consensys/gnark/std/hash/poseidon2"
)

// oneUpdate is one entry's Update.
type oneUpdate struct {
	Root  frontend.Variable
	Entry Entry
}

func (c *oneUpdate) Define(api frontend.API) error {
	u, err := NewUpdater(api)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(u.Update(c.Root, &c.Entry, 1), 0)
	return nil
}

// merkleBaseline is the same check with gnark's std/accumulator/merkle
// and its Poseidon2 Merkle–Damgård hasher: the path before verified, the
// path after verified against the new root.
type merkleBaseline struct {
	Before, After merkle.MerkleProof
	Index         frontend.Variable
}

func (c *merkleBaseline) Define(api frontend.API) error {
	for _, p := range []*merkle.MerkleProof{&c.Before, &c.After} {
		h, err := poseidon2.New(api)
		if err != nil {
			return err
		}
		p.VerifyProof(api, h, c.Index)
	}
	return nil
}

// BenchmarkUpdate prints the constraints of one entry's update at Depth
// levels, against gnark's Merkle proof gadget doing the same two paths in
// the same run.
func BenchmarkUpdate(b *testing.B) {
	field := ecc.BLS12_377.ScalarField()
	var ours, base int
	for b.Loop() {
		cs, err := frontend.Compile(field, r1cs.NewBuilder, &oneUpdate{})
		if err != nil {
			b.Fatal(err)
		}
		ours = cs.GetNbConstraints()
		mb := &merkleBaseline{Before: merkle.MerkleProof{Path: make([]frontend.Variable, Depth+1)}, After: merkle.MerkleProof{Path: make([]frontend.Variable, Depth+1)}}
		cs, err = frontend.Compile(field, r1cs.NewBuilder, mb)
		if err != nil {
			b.Fatal(err)
		}
		base = cs.GetNbConstraints()
	}
	b.ReportMetric(float64(ours), "constraints/update")
	b.ReportMetric(float64(ours)/Depth, "constraints/level")
	b.ReportMetric(float64(base), "gnark-merkle-constraints")
	b.ReportMetric(float64(base)/float64(ours), "ratio")
}

// BenchmarkSet prints what setting one entry costs outside the circuit
// (Depth compressions), against one Poseidon2 compression measured in
// the same run.
func BenchmarkSet(b *testing.B) {
	tr := New()
	var k fr.Element
	v := common.HexToHash("0x01")
	var i uint64
	for b.Loop() {
		i++
		k.SetUint64(i * 0x9e3779b97f4a7c15)
		next, err := tr.Set(k, v)
		if err != nil {
			b.Fatal(err)
		}
		tr = next
	}
	perSet := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	var x, y fr.Element
	x.SetUint64(1)
	const n = 2000
	start := time.Now()
	for range n {
		x = compress(&x, &y)
	}
	perCompress := float64(time.Since(start).Nanoseconds()) / n
	b.ReportMetric(perCompress, "ns/compress")
	b.ReportMetric(perSet/perCompress, "compressions/set")
}
