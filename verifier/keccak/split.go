package keccak

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/std/multicommit"
)

func init() {
	solver.RegisterHint(splitHint, splitCountHint)
}

// splitEntries is the number of entries of a split table: one per three
// nibbles.
const splitEntries = 4096

// splitOf is entry i of the split table of shift s: n = a^b^c for the
// nibbles of i = a + 16b + 256c, cut into its top s bits (hi) and the
// 4-s below them (lo).
func splitOf(s, i int) (hi, lo int) {
	n := (i & 15) ^ ((i >> 4) & 15) ^ (i >> 8)
	return n >> (4 - s), n & (1<<(4-s) - 1)
}

// splitTable is the split table of one shift s, looked up with a
// log-derivative argument of its own whose rows are (index, hi, lo): one
// query yields both parts of a rotated nibble for three constraints,
// where an XOR lookup and a split lookup cost four.
type splitTable struct {
	api     frontend.API
	s       int
	queries [][3]frontend.Variable
}

// newSplitTable returns the table of shift s; its argument is built when
// the circuit's Define returns.
func newSplitTable(api frontend.API, s int) *splitTable {
	t := &splitTable{api: api, s: s}
	api.Compiler().Defer(t.commit)
	return t
}

// lookup returns, for each index a + 16b + 256c of nibbles, the top s
// bits and the low 4-s bits of a^b^c.
func (t *splitTable) lookup(idx []frontend.Variable) (hi, lo []frontend.Variable) {
	out, err := t.api.Compiler().NewHint(splitHint, 2*len(idx), append([]frontend.Variable{t.s}, idx...)...)
	if err != nil {
		panic(fmt.Sprintf("keccak: split hint: %v", err))
	}
	hi, lo = make([]frontend.Variable, len(idx)), make([]frontend.Variable, len(idx))
	for j := range idx {
		hi[j], lo[j] = out[2*j], out[2*j+1]
		t.queries = append(t.queries, [3]frontend.Variable{idx[j], hi[j], lo[j]})
	}
	return hi, lo
}

// commit checks that every query is a row of the table:
// Σ_i m_i/(α - (i + γ·hi_i + γ²·lo_i)) = Σ_q 1/(α - (idx_q + γ·hi_q +
// γ²·lo_q)), m_i the times row i is queried, α the commitment to the
// queries and the multiplicities and γ a hash of it.
func (t *splitTable) commit(api frontend.API) error {
	if len(t.queries) == 0 {
		return nil
	}
	in := []frontend.Variable{t.s}
	for _, q := range t.queries {
		in = append(in, q[0])
	}
	m, err := api.Compiler().NewHint(splitCountHint, splitEntries, in...)
	if err != nil {
		return fmt.Errorf("keccak: split count hint: %w", err)
	}
	var committed []frontend.Variable
	for _, q := range t.queries {
		committed = append(committed, q[:]...)
	}
	committed = append(committed, m...)
	multicommit.WithCommitment(api, func(api frontend.API, alpha frontend.Variable) error {
		h, err := mimc.New(api)
		if err != nil {
			return fmt.Errorf("keccak: mimc: %w", err)
		}
		h.Write(alpha, t.s)
		gamma := h.Sum()
		gamma2 := api.Mul(gamma, gamma)
		var left frontend.Variable = 0
		for i := range splitEntries {
			hi, lo := splitOf(t.s, i)
			row := api.Add(i, api.Mul(gamma, hi), api.Mul(gamma2, lo))
			left = api.Add(left, api.DivUnchecked(m[i], api.Sub(alpha, row)))
		}
		var right frontend.Variable = 0
		for _, q := range t.queries {
			row := api.Add(q[0], api.Mul(gamma, q[1]), api.Mul(gamma2, q[2]))
			right = api.Add(right, api.Inverse(api.Sub(alpha, row)))
		}
		api.AssertIsEqual(left, right)
		return nil
	}, committed...)
	return nil
}

// splitHint computes the split table's parts: inputs are the shift and
// the indices, outputs hi and lo for each.
func splitHint(_ *big.Int, inputs, outputs []*big.Int) error {
	s := int(inputs[0].Int64())
	for j, x := range inputs[1:] {
		if !x.IsInt64() || x.Int64() < 0 || x.Int64() >= splitEntries {
			return fmt.Errorf("keccak: split index %s out of the table", x)
		}
		hi, lo := splitOf(s, int(x.Int64()))
		outputs[2*j].SetInt64(int64(hi))
		outputs[2*j+1].SetInt64(int64(lo))
	}
	return nil
}

// splitCountHint counts how many times each entry is queried: inputs are
// the shift and the indices.
func splitCountHint(_ *big.Int, inputs, outputs []*big.Int) error {
	for i := range outputs {
		outputs[i].SetInt64(0)
	}
	for _, x := range inputs[1:] {
		if !x.IsInt64() || x.Int64() < 0 || x.Int64() >= splitEntries {
			return fmt.Errorf("keccak: split index %s out of the table", x)
		}
		outputs[x.Int64()].Add(outputs[x.Int64()], big.NewInt(1))
	}
	return nil
}
