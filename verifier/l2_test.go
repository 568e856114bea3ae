package verifier_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestRecorderOnTheBooster attaches a Recorder to the booster's L2 EVM as
// its tracer, runs an L2 transaction calling a plain contract, and checks
// the captured trace satisfies the circuit: the prover proves what the
// booster executed.
func TestRecorderOnTheBooster(t *testing.T) {
	counter := solidity.MustLoad("PlainCounter")
	addr := common.HexToAddress("0xc0c0")
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("recorder test user")))
	chainID := big.NewInt(167_001)
	src, err := l1.NewAllocSource(params.AllDevChainProtocolChanges,
		&types.Header{Number: big.NewInt(1), Difficulty: new(big.Int), BaseFee: big.NewInt(params.GWei)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := trace.NewRecorder()
	b, err := booster.New(src, booster.WithChainID(chainID), booster.WithTracer(rec.Hooks()),
		booster.WithGenesis(types.GenesisAlloc{addr: {Code: counter.DeployedBytecode, Storage: map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(7))}}}))
	if err != nil {
		t.Fatal(err)
	}
	input, _ := counter.ABI.Pack("add", big.NewInt(35))
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID: chainID, Gas: 500_000, To: &addr, Data: input})
	if err := b.Submit(tx); err != nil {
		t.Fatal(err)
	}
	batch, err := b.ExecuteBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if batch.Receipts[0].Status != types.ReceiptStatusSuccessful {
		t.Fatalf("L2 call failed: %v", batch.Receipts[0].Err)
	}
	tr, err := rec.Trace()
	if err != nil {
		t.Fatal(err)
	}
	if new(big.Int).SetBytes(tr.ReturnData).Int64() != 42 || tr.Storage[0].Initial != common.BigToHash(big.NewInt(7)) ||
		tr.Storage[0].Final != common.BigToHash(big.NewInt(42)) || tr.Origin != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("trace: returned %x, storage %+v, origin %s", tr.ReturnData, tr.Storage, tr.Origin)
	}
	w, err := verifier.Assign(tr, verifier.Shapes[0])
	if err != nil {
		t.Fatal(err)
	}
	c, err := verifier.NewCircuit(verifier.Shapes[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := test.IsSolved(c, w, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("the circuit refuses the booster's execution: %v", err)
	}
}
