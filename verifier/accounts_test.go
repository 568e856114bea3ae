package verifier

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"
)

// accountShape is the shape of the account-read tests.
var accountShape = func() Shape {
	s := callShape
	s.Accounts, s.Bit = 6, 8
	return s
}()

// accountProgram reads the echo contract's code size and hash, the
// caller's balance, an empty account's code size and hash, and the
// balance of the caller named by a word with high bits set (the EVM
// reads its low 20 bytes); it XORs them and returns the result.
func accountProgram() []byte {
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
	return p.returnTop().bytes()
}

// TestDifferentialAccounts proves EXTCODESIZE, EXTCODEHASH and BALANCE
// of accounts with and without code against go-ethereum's values.
func TestDifferentialAccounts(t *testing.T) {
	tr := callTrace(t, accountProgram())
	require.Len(t, tr.Accounts, 6)
	echo := calleeContracts()[echoAddr]
	require.Equal(t, uint64(len(echo)), tr.Accounts[0].Value.Uint64())
	require.Equal(t, crypto.Keccak256Hash(echo), common.Hash(tr.Accounts[1].Value.Bytes32()))
	require.False(t, tr.Accounts[2].Value.IsZero(), "the caller is funded")
	require.True(t, tr.Accounts[3].Value.IsZero())
	require.True(t, tr.Accounts[4].Value.IsZero(), "no account: hash 0")
	require.Equal(t, tr.Accounts[2].Value, tr.Accounts[5].Value)
	w := mustAssign(t, tr, accountShape)
	accepts(t, accountShape, w)
	c, err := tr.Public().Commitment(accountShape)
	require.NoError(t, err)
	require.Equal(t, c, w.Commitment)
}

// TestSoundnessAccounts changes the public account list of a correct
// witness (and its commitment): every change must be rejected.
func TestSoundnessAccounts(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a value", func(w *Circuit) { w.Accounts[0].Value.Lo = 1 }},
		{"an address", func(w *Circuit) { w.Accounts[2].Addr.Lo = 1 }},
		{"the kind", func(w *Circuit) { w.Accounts[0].Kind = 2 }},
		{"a kind past the three", func(w *Circuit) { w.Accounts[0].Kind = 3 }},
		{"two reads swapped", func(w *Circuit) { w.Accounts[0], w.Accounts[1] = w.Accounts[1], w.Accounts[0] }},
		{"the last read dropped", func(w *Circuit) { w.Accounts[5] = newAccountEntry() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, callTrace(t, accountProgram()), accountShape)
			accepts(t, accountShape, w)
			tc.change(w)
			recommit(w)
			rejects(t, accountShape, w)
		})
	}
	_, err := Assign(callTrace(t, accountProgram()), callShape)
	require.ErrorIs(t, err, ErrUnsupported)
	require.ErrorContains(t, err, "EXTCODESIZE")
}
