package verifier

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/stretchr/testify/require"
)

// TestFrameOnBLS12377 proves a frame in a BLS12-377 circuit, the curve
// of batch segments: its commitment there is Public.CommitmentOn's, not
// the BN254 one, and another commitment is refused.
func TestFrameOnBLS12377(t *testing.T) {
	// Storage, memory, KECCAK256 and LOG1: the main rows, the memory
	// argument and the keccak and log tables.
	code := newProgram().pushU(1).pushU(0).op(vm.SSTORE).pushU(7).pushU(0).op(vm.MSTORE).
		pushU(32).pushU(0).op(vm.KECCAK256).pushU(32).pushU(0).op(vm.LOG1).pushU(5).returnTop().bytes()
	tr := traceOf(t, code, nil, nil)
	require.False(t, tr.Reverted)
	require.Len(t, tr.Logs, 1)
	s := Shapes[2]
	w := mustAssign(t, tr, s)
	onBLS, err := PublicOf(tr).CommitmentOn(ecc.BLS12_377, s)
	require.NoError(t, err)
	require.NotEqual(t, w.Commitment, onBLS, "the BN254 and BLS12-377 commitments must differ")
	c, err := NewCircuit(s)
	require.NoError(t, err)

	w.Commitment = onBLS
	require.NoError(t, test.IsSolved(c, w, ecc.BLS12_377.ScalarField()))
	w.Commitment = new(big.Int).Add(onBLS, big.NewInt(1))
	require.Error(t, test.IsSolved(c, w, ecc.BLS12_377.ScalarField()))

	_, err = PublicOf(tr).CommitmentOn(ecc.BW6_761, s)
	require.ErrorIs(t, err, ErrInput)
}
