package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"
)

// keccakShape is the shape of the KECCAK256 tests: two keccak entries.
var keccakShape = Shape{Steps: 64, Code: 320, Calldata: 8, Stack: 12, Memory: 8, Storage: 1, Return: 1,
	Add: 2, Mul: 2, Bit: 2, Splice: 1, Keccak: 2}

// memoryWord is the test pattern of memory word k: 32 distinct bytes.
func memoryWord(k int) *uint256.Int {
	var b [32]byte
	for i := range b {
		b[i] = byte(0x11*k + 7*i + 1)
	}
	return new(uint256.Int).SetBytes32(b[:])
}

// fillMemory stores the pattern in memory words 0 to n-1.
func fillMemory(p *program, n int) *program {
	for k := range n {
		p.push(memoryWord(k)).pushU(uint64(32 * k)).op(vm.MSTORE)
	}
	return p
}

// patternBytes is what fillMemory(n) leaves in memory from byte off.
func patternBytes(off, size int) []byte {
	out := make([]byte, 0, size)
	for p := off; p < off+size; p++ {
		w := memoryWord(p / 32).Bytes32()
		out = append(out, w[p%32])
	}
	return out
}

// keccakProgram hashes size bytes from offset off of the pattern and
// returns the hash.
func keccakProgram(off, size int) []byte {
	p := fillMemory(newProgram(), 7)
	return p.pushU(uint64(size)).pushU(uint64(off)).op(vm.KECCAK256).returnTop().bytes()
}

// TestDifferentialKeccak hashes inputs of the sizes at the edges of the
// table's words and block on go-ethereum, and checks the circuit proves
// its hash, which is keccak256 of the bytes.
func TestDifferentialKeccak(t *testing.T) {
	cases := []struct{ off, size int }{
		{0, 0}, {0, 1}, {0, 31}, {0, 32}, {0, 33}, {0, 64}, {32, 64}, {0, 100}, {0, 128}, {0, 135}, {64, 135},
	}
	if testing.Short() {
		cases = []struct{ off, size int }{{0, 0}, {0, 64}, {0, 135}}
	}
	for _, tc := range cases {
		t.Run("", func(t *testing.T) {
			tr := traceOf(t, keccakProgram(tc.off, tc.size), nil, nil)
			want := crypto.Keccak256(patternBytes(tc.off, tc.size))
			require.Equal(t, want, tr.ReturnData, "go-ethereum's hash of %d bytes at %d", tc.size, tc.off)
			w := mustAssign(t, tr, keccakShape)
			require.Len(t, rowsOf(w, vm.KECCAK256), max(1, (tc.size+31)/32), "one row per word read")
			accepts(t, keccakShape, w)
		})
	}
}

// TestKeccakTwiceAndMemoryAfter hashes the same memory twice with a store
// between them: each hash is proven from the memory as it was at its step,
// and the rows after read the memory the KECCAK256 rows left.
func TestKeccakTwiceAndMemoryAfter(t *testing.T) {
	p := fillMemory(newProgram(), 3)
	p.pushU(96).pushU(0).op(vm.KECCAK256) // h1
	p.pushU(0x99).pushU(32).op(vm.MSTORE)
	p.pushU(96).pushU(0).op(vm.KECCAK256) // h2
	p.op(vm.XOR).returnTop()
	tr := traceOf(t, p.bytes(), nil, nil)
	mem := patternBytes(0, 96)
	h1 := crypto.Keccak256(mem)
	copy(mem[32:64], common.BigToHash(big.NewInt(0x99)).Bytes())
	h2 := crypto.Keccak256(mem)
	var x [32]byte
	for i := range x {
		x[i] = h1[i] ^ h2[i]
	}
	require.Equal(t, x[:], tr.ReturnData)
	accepts(t, keccakShape, mustAssign(t, tr, keccakShape))
}

// TestKeccakRefusals: what the table cannot prove is refused by name.
func TestKeccakRefusals(t *testing.T) {
	three := fillMemory(newProgram(), 1)
	for range 3 {
		three.pushU(32).pushU(0).op(vm.KECCAK256, vm.POP)
	}
	cases := []struct {
		name string
		code []byte
		s    Shape
		want error
		text string
	}{
		{"136 bytes", keccakProgram(0, 136), keccakShape, ErrUnsupported, "136 bytes"},
		{"137 bytes", keccakProgram(0, 137), keccakShape, ErrUnsupported, "137 bytes"},
		{"unaligned offset", keccakProgram(4, 32), keccakShape, ErrUnsupported, "not a multiple of 32"},
		{"past the shape's memory", keccakProgram(7*32, 64), keccakShape, ErrCapacity, "beyond"},
		{"more hashes than entries", three.op(vm.STOP).bytes(), keccakShape, ErrCapacity, "KECCAK256 steps"},
		{"shape without the table", keccakProgram(0, 32), Shapes[0], ErrUnsupported, "KECCAK256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := traceOf(t, tc.code, nil, nil)
			_, err := Assign(tr, tc.s)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}
}

// TestSoundnessKeccak changes a correct KECCAK256 witness: every change
// must be rejected.
func TestSoundnessKeccak(t *testing.T) {
	t.Run("a wrong hash pushed", func(t *testing.T) {
		tr := traceOf(t, keccakProgram(0, 64), nil, nil)
		forged := forgeResult(t, tr, vm.KECCAK256, 1)
		rejects(t, keccakShape, mustAssign(t, forged, keccakShape))
	})
	t.Run("the empty input's hash changed", func(t *testing.T) {
		tr := traceOf(t, keccakProgram(0, 0), nil, nil)
		forged := forgeResult(t, tr, vm.KECCAK256, 1)
		rejects(t, keccakShape, mustAssign(t, forged, keccakShape))
	})
	t.Run("an input byte the memory does not hold", func(t *testing.T) {
		w := mustAssign(t, traceOf(t, keccakProgram(0, 64), nil, nil), keccakShape)
		w.Keccak[0].Bytes[40] = 0
		rejects(t, keccakShape, w)
	})
	t.Run("a byte past the input changed", func(t *testing.T) {
		// Bytes past Len are masked out of the hash, but the word they
		// belong to is still the memory's.
		w := mustAssign(t, traceOf(t, keccakProgram(0, 33), nil, nil), keccakShape)
		w.Keccak[0].Bytes[40] = 0
		rejects(t, keccakShape, w)
	})
	t.Run("a shorter length", func(t *testing.T) {
		w := mustAssign(t, traceOf(t, keccakProgram(0, 64), nil, nil), keccakShape)
		w.Keccak[0].Len = 63
		rejects(t, keccakShape, w)
	})
	t.Run("one row fewer", func(t *testing.T) {
		// The last row's word dropped: the entry of 64 bytes has two
		// words on the bus, the rows send one.
		tr := traceOf(t, keccakProgram(0, 64), nil, nil)
		w := mustAssign(t, tr, keccakShape)
		rows := rowsOf(w, vm.KECCAK256)
		w.Rows[rows[0]].setFamily(keccakShape, famKeccakEnd)
		w.Rows[rows[0]].Aux = aluKeccakEnd
		rejects(t, keccakShape, w)
	})
	t.Run("the words of two hashes of one region mixed", func(t *testing.T) {
		// Two KECCAK256 of the same 96 bytes, word 0 changed between
		// them: each entry keeps its last word but takes the other's
		// first, and each hash pushed is its entry's. Only the row
		// index on the bus ties a word to its own KECCAK256.
		p := fillMemory(newProgram(), 3)
		p.pushU(96).pushU(0).op(vm.KECCAK256)
		p.pushU(0x99).pushU(0).op(vm.MSTORE)
		p.pushU(96).pushU(0).op(vm.KECCAK256)
		tr := traceOf(t, p.op(vm.POP, vm.POP, vm.STOP).bytes(), nil, nil)
		a := patternBytes(0, 96)
		b := append(common.BigToHash(big.NewInt(0x99)).Bytes(), a[32:]...)
		ha := crypto.Keccak256(b[:32], a[32:])
		hb := crypto.Keccak256(a[:32], b[32:])
		forged := tr
		for n, h := range [][]byte{ha, hb} {
			at := 0
			for i, st := range forged.Steps {
				if st.Op == vm.KECCAK256 {
					if n == 0 {
						at = i + 1
						break
					}
					n--
				}
			}
			top := len(forged.Steps[at].Stack) - 1
			old := forged.Steps[at].Stack[top]
			forged = forgeAt(t, forged, at, top, &old, new(uint256.Int).SetBytes(h))
		}
		w, err := Assign(forged, keccakShape)
		require.NoError(t, err)
		for q := range 32 {
			w.Keccak[0].Bytes[q], w.Keccak[1].Bytes[q] = w.Keccak[1].Bytes[q], w.Keccak[0].Bytes[q]
		}
		recommit(w)
		rejects(t, keccakShape, w)
	})
}

// mappingSlot is the storage slot of key in the Solidity mapping at slot
// base: keccak256(key ‖ base).
func mappingSlot(key common.Hash, base common.Hash) common.Hash {
	return crypto.Keccak256Hash(key[:], base[:])
}

// ledgerShape fits the Ledger fixture's calls: seven hashes (transferFrom's).
var ledgerShape = Shape{Steps: 512, Code: 1024, Calldata: 100, Stack: 24, Memory: 8, Storage: 4, Return: 3,
	Add: 48, Mul: 16, Bit: 8, Splice: 4, Keccak: 7}

// TestLedgerSolves proves the Ledger fixture's calls, each of which hashes
// the mapping keys it reads and writes: transfer (two balances), approve
// (a nested mapping: two hashes), transferFrom (allowance and two
// balances), and a transfer that reverts with a custom error.
func TestLedgerSolves(t *testing.T) {
	caller, to, owner := common.HexToAddress("0xca11"), common.HexToAddress("0xb0b"), common.HexToAddress("0x0a")
	key := func(a common.Address) common.Hash { return common.BytesToHash(a[:]) }
	bal := func(a common.Address) common.Hash { return mappingSlot(key(a), common.Hash{}) }
	allow := func(o, s common.Address) common.Hash {
		return mappingSlot(key(s), mappingSlot(key(o), common.BigToHash(big.NewInt(1))))
	}
	hundred := common.BigToHash(big.NewInt(100))
	cases := []struct {
		name    string
		storage map[common.Hash]common.Hash
		method  string
		args    []any
		final   map[common.Hash]int64
		revert  bool
	}{
		{"transfer", map[common.Hash]common.Hash{bal(caller): hundred}, "transfer", []any{to, big.NewInt(30)},
			map[common.Hash]int64{bal(caller): 70, bal(to): 30}, false},
		{"approve", nil, "approve", []any{to, big.NewInt(5)}, map[common.Hash]int64{allow(caller, to): 5}, false},
		{"transferFrom", map[common.Hash]common.Hash{bal(owner): hundred, allow(owner, caller): common.BigToHash(big.NewInt(40))},
			"transferFrom", []any{owner, to, big.NewInt(40)},
			map[common.Hash]int64{bal(owner): 60, bal(to): 40, allow(owner, caller): 0}, false},
		{"transfer beyond the balance", map[common.Hash]common.Hash{bal(caller): hundred}, "transfer", []any{to, big.NewInt(101)},
			map[common.Hash]int64{bal(caller): 100}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := contractTrace(t, "Ledger", tc.method, tc.storage, tc.args...)
			require.Equal(t, tc.revert, tr.Reverted)
			for slot, v := range tc.final {
				found := false
				for _, sl := range tr.Storage {
					if sl.Key == slot {
						found = true
						require.Equal(t, common.BigToHash(big.NewInt(v)), sl.Final, "slot %s", slot)
					}
				}
				require.True(t, found, "slot %s not touched", slot)
			}
			w := mustAssign(t, tr, ledgerShape)
			t.Logf("%d steps, %d rows of KECCAK256, %d code bytes", len(tr.Steps), len(rowsOf(w, vm.KECCAK256)), len(tr.Code))
			accepts(t, ledgerShape, w)
		})
	}
}
