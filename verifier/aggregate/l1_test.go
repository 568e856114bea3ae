package aggregate_test

import (
	"bytes"
	"context"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier/aggregate"
)

// batchBound has the wrap circuit's public layout (the batch commitment's
// two 128-bit halves, one commitment) and proves nothing else: it stands
// in for the wrap circuit, whose setup takes far longer, in the tests of
// the L1 adapter.
type batchBound struct {
	BatchHi, BatchLo frontend.Variable `gnark:",public"`
	Sum              frontend.Variable
}

func (c *batchBound) Define(api frontend.API) error {
	api.AssertIsEqual(c.Sum, api.Add(c.BatchHi, c.BatchLo))
	cm, err := api.(frontend.Committer).Commit(c.Sum)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, 0)
	return nil
}

type batchBoundKeys struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

// prove proves batchBound for a batch commitment, as the Solidity
// verifier takes the proof.
func (k *batchBoundKeys) prove(t testing.TB, batch [32]byte) []byte {
	t.Helper()
	in := aggregate.BatchInputs(batch)
	w, err := frontend.NewWitness(&batchBound{BatchHi: in[0], BatchLo: in[1], Sum: new(big.Int).Add(in[0], in[1])}, ecc.BN254.ScalarField())
	require.NoError(t, err)
	p, err := groth16.Prove(k.ccs, k.pk, w, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
	require.NoError(t, err)
	raw, err := aggregate.SolidityProof(p)
	require.NoError(t, err)
	return raw
}

// boundProver proves the commitment of the batch it is asked for, changed
// by tamper if set.
type boundProver struct {
	t      testing.TB
	keys   *batchBoundKeys
	tamper func([32]byte) [32]byte
}

func (p boundProver) Prove(_ context.Context, b *booster.Batch) ([]byte, error) {
	h, err := b.Commitment()
	if err != nil {
		return nil, err
	}
	if p.tamper != nil {
		h = p.tamper(h)
	}
	return p.keys.prove(p.t, h), nil
}

// TestGnarkBatchVerifierSettles deploys gnark's exported verifier behind
// GnarkBatchVerifier as a rollup's batch verifier on a simulated L1 with
// mainnet's rules, settles a batch with a real Groth16 proof of its
// commitment, and checks that a proof of another commitment (a changed
// high or low half), a truncated proof and garbage are refused, the
// settlement reverting with nothing applied. It logs the verification
// gas.
func TestGnarkBatchVerifierSettles(t *testing.T) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &batchBound{})
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(cs)
	require.NoError(t, err)
	keys := &batchBoundKeys{cs, pk, vk}
	var src bytes.Buffer
	require.NoError(t, vk.ExportSolidity(&src))
	_, code := testenv.CompileSolidity(t, src.String(), "Verifier")

	chain := boostertest.NewL1(t, boostertest.WithConfig(l1.OsakaConfig()))
	gnark := chain.Send(t, nil, nil, code).ContractAddress
	require.NotEqual(t, common.Address{}, gnark)
	adapter := chain.Deploy(t, "GnarkBatchVerifier", gnark)

	rollup := chain.NewRollupVerifiedBy(t, adapter, boundProver{t: t, keys: keys})
	counter := chain.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(chain.Source(t)))
	user := rollup.Account(t, "voter")
	user.L1Call(t, counter, "BoostedCounter", "increment")
	batch, _ := rollup.Settle(t)
	require.Equal(t, big.NewInt(1), chain.Call(t, counter, "BoostedCounter", "count")[0])

	h, err := batch.Commitment()
	require.NoError(t, err)
	v := bindings.NewGnarkBatchVerifier()
	verify := func(batch [32]byte, proof []byte) bool {
		out, err := chain.Client.CallContract(context.Background(), ethereum.CallMsg{To: &adapter, Data: v.PackVerifyBatch(batch, proof)}, nil)
		require.NoError(t, err)
		ok, err := v.UnpackVerifyBatch(out)
		require.NoError(t, err)
		return ok
	}
	good := keys.prove(t, h)
	require.True(t, verify(h, good), "a valid proof is refused")
	gas, err := chain.Client.EstimateGas(context.Background(), ethereum.CallMsg{To: &adapter, Data: v.PackVerifyBatch(h, good)})
	require.NoError(t, err)
	t.Logf("GnarkBatchVerifier.verifyBatch (2 public inputs, 1 commitment): %d gas with the 21,000 of a transaction and its calldata", gas)

	high, low := h, h
	high[0] ^= 1
	low[31] ^= 1
	require.False(t, verify(high, good), "a proof verifies for a commitment with another high half")
	require.False(t, verify(low, good), "a proof verifies for a commitment with another low half")
	require.False(t, verify(h, good[:len(good)-32]), "a truncated proof verifies")
	require.False(t, verify(h, bytes.Repeat([]byte{7}, len(good))), "garbage verifies")

	// Settling the next batch with the proof of another commitment
	// reverts, and the counter stays.
	user.L1Call(t, counter, "BoostedCounter", "increment")
	next, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	chain.Backend.Commit()
	_, err = booster.Settle(context.Background(), chain.Client, bind.NewKeyedTransactor(chain.Key, chain.Config.ChainID), rollup.Contract, next,
		boundProver{t: t, keys: keys, tamper: func(h [32]byte) [32]byte { h[5] ^= 0x80; return h }})
	require.ErrorIs(t, err, booster.ErrSettlementReverted)
	require.Equal(t, big.NewInt(1), chain.Call(t, counter, "BoostedCounter", "count")[0])
	// The same batch with its own proof settles.
	_, err = booster.Settle(context.Background(), chain.Client, bind.NewKeyedTransactor(chain.Key, chain.Config.ChainID), rollup.Contract, next, rollup.Prover)
	require.NoError(t, err)
	chain.Backend.Commit()
	require.Equal(t, big.NewInt(2), chain.Call(t, counter, "BoostedCounter", "count")[0])

	// A verifier address without code is refused at deployment.
	r := chain.Send(t, nil, nil, append(common.FromHex(bindings.GnarkBatchVerifierMetaData.Bin), v.PackConstructor(common.Address{0x42})...))
	require.Equal(t, uint64(0), r.Status, "GnarkBatchVerifier deployed over an address without code")
}
