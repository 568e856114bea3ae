package verifier

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"
)

// readShape is the shape of the state-read tests.
var readShape = func() Shape {
	s := callShape
	s.Reads, s.Bit = 8, 8
	return s
}()

// readProgram reads the echo contract's code size and hash, the
// caller's balance, an empty account's code size and hash, and the
// balance of the caller named by a word with high bits set (the EVM
// reads its low 20 bytes), the hash of block 0 and of block 5 (not yet
// mined: zero); it XORs them and returns the result.
func readProgram() []byte {
	addr := func(a common.Address) *uint256.Int { return new(uint256.Int).SetBytes(a[:]) }
	high := new(uint256.Int).Lsh(uint256.NewInt(0xff), 200)
	high.Or(high, addr(common.HexToAddress("0xca11")))
	p := newProgram()
	p.push(addr(echoAddr)).op(vm.EXTCODESIZE)
	p.push(addr(echoAddr)).op(vm.EXTCODEHASH, vm.XOR)
	p.push(addr(common.HexToAddress("0xca11"))).op(vm.BALANCE, vm.XOR)
	p.push(addr(emptyAddr)).op(vm.EXTCODESIZE, vm.XOR)
	p.push(addr(emptyAddr)).op(vm.EXTCODEHASH, vm.XOR)
	p.push(high).op(vm.BALANCE, vm.XOR)
	p.pushU(0).op(vm.BLOCKHASH, vm.XOR)
	p.pushU(5).op(vm.BLOCKHASH, vm.XOR)
	return p.returnTop().bytes()
}

// TestDifferentialReads proves EXTCODESIZE, EXTCODEHASH and BALANCE of
// accounts with and without code, and BLOCKHASH, against go-ethereum's
// values.
func TestDifferentialReads(t *testing.T) {
	tr := callTrace(t, readProgram())
	require.Len(t, tr.Reads, 8)
	echo := calleeContracts()[echoAddr]
	require.Equal(t, uint64(len(echo)), tr.Reads[0].Value.Uint64())
	require.Equal(t, crypto.Keccak256Hash(echo), common.Hash(tr.Reads[1].Value.Bytes32()))
	require.False(t, tr.Reads[2].Value.IsZero(), "the caller is funded")
	require.True(t, tr.Reads[3].Value.IsZero())
	require.True(t, tr.Reads[4].Value.IsZero(), "no account: hash 0")
	require.Equal(t, tr.Reads[2].Value, tr.Reads[5].Value)
	require.False(t, tr.Reads[6].Value.IsZero(), "block 0's hash")
	require.True(t, tr.Reads[7].Value.IsZero(), "a future block's hash")
	w := mustAssign(t, tr, readShape)
	accepts(t, readShape, w)
	c, err := PublicOf(tr).Commitment(readShape)
	require.NoError(t, err)
	require.Equal(t, c, w.Commitment)
}

// TestSoundnessReads changes the public read list of a correct
// witness (and its commitment): every change must be rejected.
func TestSoundnessReads(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a value", func(w *Circuit) { w.Reads[0].Value.Lo = 1 }},
		{"an address", func(w *Circuit) { w.Reads[2].Key.Lo = 1 }},
		{"the kind", func(w *Circuit) { w.Reads[0].Kind = 2 }},
		{"a kind past the four", func(w *Circuit) { w.Reads[0].Kind = 4 }},
		{"a block hash", func(w *Circuit) { w.Reads[6].Value.Hi = 1 }},
		{"two reads swapped", func(w *Circuit) { w.Reads[0], w.Reads[1] = w.Reads[1], w.Reads[0] }},
		{"the last read dropped", func(w *Circuit) { w.Reads[7] = newReadEntry() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, callTrace(t, readProgram()), readShape)
			accepts(t, readShape, w)
			tc.change(w)
			recommit(w)
			rejects(t, readShape, w)
		})
	}
	_, err := Assign(callTrace(t, readProgram()), callShape)
	require.ErrorIs(t, err, ErrUnsupported)
	require.ErrorContains(t, err, "EXTCODESIZE")
}
