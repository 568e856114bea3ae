package verifier

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// tinyT is the tiny shape with two transient slots.
var tinyT = func() Shape { s := tiny; s.Transient, s.Code = 2, 160; return s }()

// big128 is a transient key with both limbs non-zero.
var big128 = uint256.MustFromHex("0x1000000000000000000000000000000070000000000000000000000000000001")

// tstore appends TSTORE(key, value).
func (p *program) tstore(key, value *uint256.Int) *program {
	return p.push(value).push(key).op(vm.TSTORE)
}

// tload appends TLOAD(key), leaving the value on the stack.
func (p *program) tload(key *uint256.Int) *program { return p.push(key).op(vm.TLOAD) }

func transientTrace(t *testing.T, code []byte) *trace.Trace {
	t.Helper()
	tr, err := trace.Run(trace.Call{Code: code, Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11")})
	require.NoError(t, err)
	return tr
}

var transientPrograms = []struct {
	name string
	code []byte
	want *uint256.Int // the word returned
}{
	{"a slot never written reads zero", newProgram().tload(uint256.NewInt(7)).returnTop().bytes(), uint256.NewInt(0)},
	{"a write then a read", newProgram().tstore(uint256.NewInt(1), uint256.NewInt(0xabc)).tload(uint256.NewInt(1)).returnTop().bytes(), uint256.NewInt(0xabc)},
	{"the last of two writes, a key above 2^128",
		newProgram().tstore(big128, uint256.NewInt(5)).tstore(big128, uint256.MustFromHex("0xffffffffffffffffffffffffffffffffff")).tload(big128).returnTop().bytes(),
		uint256.MustFromHex("0xffffffffffffffffffffffffffffffffff")},
	{"two slots apart", newProgram().tstore(uint256.NewInt(9), uint256.NewInt(40)).tstore(uint256.NewInt(3), uint256.NewInt(2)).
		tload(uint256.NewInt(9)).tload(uint256.NewInt(3)).op(vm.ADD).returnTop().bytes(), uint256.NewInt(42)},
}

// TestDifferentialTransient runs TLOAD and TSTORE on go-ethereum and
// proves what they read.
func TestDifferentialTransient(t *testing.T) {
	for _, tc := range transientPrograms {
		t.Run(tc.name, func(t *testing.T) {
			tr := transientTrace(t, tc.code)
			want := tc.want.Bytes32()
			require.Equal(t, want[:], tr.ReturnData)
			w := mustAssign(t, tr, tinyT)
			accepts(t, tinyT, w)
			c, err := PublicOf(tr).Commitment(tinyT)
			require.NoError(t, err)
			require.Equal(t, c, w.Commitment, "the commitment from the public values alone")
		})
	}
}

// TestTransientRefusals: a shape without transient slots refuses TLOAD
// by name, and one with too few refuses more slots than it holds.
func TestTransientRefusals(t *testing.T) {
	tr := transientTrace(t, transientPrograms[1].code)
	_, err := Assign(tr, tiny)
	require.ErrorIs(t, err, ErrUnsupported)
	require.ErrorContains(t, err, "TSTORE")
	three := newProgram().tstore(uint256.NewInt(1), uint256.NewInt(1)).tstore(uint256.NewInt(2), uint256.NewInt(2)).
		tstore(uint256.NewInt(3), uint256.NewInt(3)).op(vm.STOP).bytes()
	_, err = Assign(transientTrace(t, three), tinyT)
	require.ErrorIs(t, err, ErrCapacity)
	require.ErrorContains(t, err, "transient slots")
}

// TestSoundnessTransient: what TLOAD pushes is what the slot holds, every
// slot starts at zero, and no slot is listed twice.
func TestSoundnessTransient(t *testing.T) {
	t.Run("a forged read of a slot never written", func(t *testing.T) {
		tr := transientTrace(t, transientPrograms[0].code)
		rejects(t, tinyT, mustAssign(t, forgeResult(t, tr, vm.TLOAD, 1), tinyT))
	})
	t.Run("a forged read after a write", func(t *testing.T) {
		tr := transientTrace(t, transientPrograms[1].code)
		rejects(t, tinyT, mustAssign(t, forgeResult(t, tr, vm.TLOAD, 1), tinyT))
	})
	t.Run("a slot that starts at the value the read claims", func(t *testing.T) {
		// TLOAD of a fresh slot claims 5, and the list says the slot
		// started at 5: the multiset balances, the zero start does not.
		tr := transientTrace(t, transientPrograms[0].code)
		w := mustAssign(t, forgeResult(t, tr, vm.TLOAD, 5), tinyT)
		w.Transient[0].InitLo = 5
		recommit(w)
		rejects(t, tinyT, w)
	})
	t.Run("a slot listed twice", func(t *testing.T) {
		tr := transientTrace(t, transientPrograms[1].code)
		w := mustAssign(t, tr, tinyT)
		require.Equal(t, 1, w.Transient[0].Used)
		w.Transient[1] = w.Transient[0]
		w.Transient[1].FinalTime = 0
		recommit(w)
		rejects(t, tinyT, w)
	})
	t.Run("a final value changed", func(t *testing.T) {
		tr := transientTrace(t, transientPrograms[1].code)
		w := mustAssign(t, tr, tinyT)
		w.Transient[0].FinalLo = 0xabd
		recommit(w)
		rejects(t, tinyT, w)
	})
}

// TestLockedSolves proves a Solidity function behind a reentrancy lock in
// transient storage (`bool transient locked`): the lock's TLOAD and its
// two TSTOREs, on the ERC20 shape.
func TestLockedSolves(t *testing.T) {
	tr := contractTrace(t, "Locked", "bump", map[common.Hash]common.Hash{{}: common.BigToHash(uint256.NewInt(41).ToBig())}, uint256.NewInt(1).ToBig())
	require.False(t, tr.Reverted)
	want := uint256.NewInt(42).Bytes32()
	require.Equal(t, want[:], tr.ReturnData)
	ops := map[vm.OpCode]int{}
	for _, st := range tr.Steps {
		ops[st.Op]++
	}
	// The check reads the lock; each write reads the slot to keep the
	// bits around the bool.
	require.Equal(t, 3, ops[vm.TLOAD], "the lock read by the check and by both writes")
	require.Equal(t, 2, ops[vm.TSTORE], "set, then cleared")
	_, err := Assign(tr, Shapes[1])
	require.ErrorIs(t, err, ErrUnsupported, "the plain 2^10 shape has no transient slots")
	w := mustAssign(t, tr, Shapes[2])
	require.Equal(t, 1, w.Transient[0].Used)
	accepts(t, Shapes[2], w)
}

// carriedFrame embeds a frame witness whose shape only a batch proof can
// use, for the solver.
type carriedFrame struct{ F FrameWitness }

// Define implements frontend.Circuit.
func (c *carriedFrame) Define(api frontend.API) error {
	_, err := c.F.Constrain(api)
	return err
}

// TestTransientCarried checks TransientCarried: a frame proof of its own
// refuses the shape, which needs transient slots; a shape without it
// refuses a frame whose transient slot starts nonzero (as a second frame
// at an address in one transaction may); with it, the frame proves a
// read of the value the slot starts at, and a start other than the one
// its reads and writes follow from is rejected.
func TestTransientCarried(t *testing.T) {
	carried := tinyT
	carried.TransientCarried = true
	_, err := Compile(carried)
	require.ErrorIs(t, err, ErrCapacity)
	require.ErrorContains(t, err, "TransientCarried")
	none := carried
	none.Transient = 0
	_, err = NewFrameWitness(none)
	require.ErrorIs(t, err, ErrCapacity)
	require.NotEqual(t, tinyT.Name(), carried.Name())

	// TLOAD(7) of a slot the frames before left at 5, then TSTORE(7, 6).
	code := newProgram().tload(uint256.NewInt(7)).tstore(uint256.NewInt(7), uint256.NewInt(6)).returnTop().bytes()
	tr := forgeResult(t, transientTrace(t, code), vm.TLOAD, 5)
	tr.Transient = []trace.StorageSlot{{Key: common.BigToHash(big.NewInt(7)), Initial: common.BigToHash(big.NewInt(5)), Final: common.BigToHash(big.NewInt(6))}}
	_, err = Assign(tr, tinyT)
	require.ErrorIs(t, err, ErrUnsupported)
	require.ErrorContains(t, err, "starts transient storage at zero")

	empty, err := NewFrameWitness(carried)
	require.NoError(t, err)
	solve := func(w *Circuit) error {
		return test.IsSolved(&carriedFrame{F: *empty}, &carriedFrame{F: w.FrameWitness}, ecc.BLS12_377.ScalarField())
	}
	w := mustAssign(t, tr, carried)
	require.Equal(t, big.NewInt(5), w.Transient[0].InitLo)
	require.NoError(t, solve(w))
	w.Transient[0].InitLo = 4
	require.Error(t, solve(w))

	// A start other than the one the read follows from, assigned
	// throughout (the trace says 4, the read 5), is rejected.
	tr.Transient[0].Initial = common.BigToHash(big.NewInt(4))
	require.Error(t, solve(mustAssign(t, tr, carried)))
}
