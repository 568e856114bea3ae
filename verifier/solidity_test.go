package verifier_test

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"testing"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/verifier"
)

// TestSolidityVerifier exports gnark's Solidity verifier for the smallest
// shape, deploys it on a simulated L1 with mainnet's rules, and checks it
// accepts a real proof of a real call, and rejects it for a changed public
// input. It logs the verification gas.
func TestSolidityVerifier(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup and proving: skipped with -short")
	}
	keys, err := verifier.LoadOrSetup(os.Getenv("GO_BOOSTER_KEYS"), verifier.Shapes[0])
	if err != nil {
		t.Fatal(err)
	}
	var src bytes.Buffer
	if err := keys.ExportSolidity(&src); err != nil {
		t.Fatal(err)
	}
	parsed, code := testenv.CompileSolidity(t, src.String(), "Verifier")

	chain := testenv.NewL1Config(t, l1.OsakaConfig())
	addr := chain.DeployCode(t, code)

	tr := verifier.ContractTrace(t, "PlainCounter", "add", map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}, big.NewInt(1000))
	proof, err := keys.Prove(tr)
	if err != nil {
		t.Fatal(err)
	}
	raw := proof.Proof.(*groth16bn254.Proof).MarshalSolidity()
	call := func(commitment *big.Int) ([]byte, error) {
		data, err := parsed.Pack("verifyProof", raw, [1]*big.Int{commitment})
		if err != nil {
			t.Fatal(err)
		}
		return data, nil
	}
	good, _ := call(proof.Commitment)
	msg := ethereum.CallMsg{From: chain.From, To: &addr, Data: good}
	if _, err := chain.Client.CallContract(context.Background(), msg, nil); err != nil {
		t.Fatalf("the Solidity verifier rejects a valid proof: %v", err)
	}
	gas, err := chain.Client.EstimateGas(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}
	r := chain.Send(t, &addr, nil, good)
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatal("verification transaction failed")
	}
	t.Logf("Solidity verifier of %s: proof verified on L1 with %d gas (transaction %d gas, estimate %d)", keys.Shape().Name(), r.GasUsed-21000, r.GasUsed, gas)
	bad, _ := call(new(big.Int).Add(proof.Commitment, big.NewInt(1)))
	if _, err := chain.Client.CallContract(context.Background(), ethereum.CallMsg{From: chain.From, To: &addr, Data: bad}, nil); err == nil {
		t.Fatal("the Solidity verifier accepts the proof for a changed public input")
	}
}
