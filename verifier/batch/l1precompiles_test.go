package batch_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestL1DelegateCallBatch proves, on the booster, a batch where alice
// increments an L1 counter through L1CALL and bob runs the counter's L1
// code over the caller's own L2 storage through L1DELEGATECALL (SPEC
// §1: like DELEGATECALL): the L1 count stays 1, the caller's L2 slot 0
// goes from 0 to 1, and the segments of the batch solve, the L1 code's
// frame reading its digest from the code segment of the counter's L1
// code.
func TestL1DelegateCallBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	caller := common.HexToAddress("0xca11")
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{caller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	rollup.Account(t, "alice").Transact(t, caller, "Sandboxer", "increment", counter)
	rollup.Account(t, "bob").Transact(t, caller, "Sandboxer", "delegateIncrement", counter)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 2)
	for _, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
		require.Equal(t, common.BigToHash(big.NewInt(1)).Bytes(), r.ReturnData[len(r.ReturnData)-32:])
	}
	require.Len(t, b.Writes, 1)
	execs, err := rec.Transactions()
	require.NoError(t, err)
	require.True(t, execs[1].Frames[1].L1Code)
	require.Equal(t, counter, execs[1].Frames[1].Trace.CodeAddress)
	require.Equal(t, caller, execs[1].Frames[1].Trace.Address)
	shape := verifier.Shapes[2]
	shape.Mul, shape.Mcopy, shape.McopyWords, shape.Splice = 64, 4, 8, 24
	c := batch.Capacity{Calldata: 128, Frame: shape}
	kinds := solveBoosterBatch(t, b, execs, c)
	require.Equal(t, 4, kinds[batch.KindFrame])
}

// TestSandboxCallBatch proves, on the booster, a batch where alice
// increments an L1 counter through L1CALL, bob through L1SANDBOXCALL and
// carol through L1CALL again: bob's sandbox sees alice's write (it
// returns 2) and its own write and event are thrown away, so carol's
// increment returns 2 too, the write list holds count = 2 alone, and
// the segments of the batch solve.
func TestSandboxCallBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	caller := common.HexToAddress("0xca11")
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{caller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	rollup.Account(t, "alice").Transact(t, caller, "Sandboxer", "increment", counter)
	rollup.Account(t, "bob").Transact(t, caller, "Sandboxer", "sandboxIncrement", counter)
	rollup.Account(t, "carol").Transact(t, caller, "Sandboxer", "increment", counter)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 3)
	for i, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
		// Each returns the counter's return data, abi-encoded as bytes:
		// its last word is the count the increment returned.
		want := []uint64{1, 2, 2}[i]
		require.Equal(t, common.BigToHash(new(big.Int).SetUint64(want)).Bytes(), r.ReturnData[len(r.ReturnData)-32:], "transaction %d", i)
	}
	require.Len(t, b.Writes, 1)
	require.Equal(t, common.BigToHash(big.NewInt(2)), b.Writes[0].Value)
	execs, err := rec.Transactions()
	require.NoError(t, err)
	// The ERC20 shape, with room for the Sandboxer's ABI encoding.
	shape := verifier.Shapes[2]
	shape.Mul, shape.Mcopy, shape.McopyWords, shape.Splice = 64, 4, 8, 24
	kinds := solveBoosterBatch(t, b, execs, batch.Capacity{Calldata: 128, Frame: shape})
	require.Equal(t, 6, kinds[batch.KindFrame])
}

// TestStaticL1CallBatch proves, on the booster, an L1CALL made in a
// static context: bob's Sandboxer.staticCount STATICCALLs another
// Sandboxer's readCount, whose L1CALL reads the counter alice's
// increment left at 1.
func TestStaticL1CallBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	caller, reader := common.HexToAddress("0xca11"), common.HexToAddress("0xca12")
	code := solidity.MustLoad("Sandboxer").DeployedBytecode
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{caller: {Code: code}, reader: {Code: code}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	rollup.Account(t, "alice").Transact(t, caller, "Sandboxer", "increment", counter)
	rollup.Account(t, "bob").Transact(t, caller, "Sandboxer", "staticCount", reader, counter)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 2)
	for _, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
	}
	require.Equal(t, common.BigToHash(big.NewInt(1)).Bytes(), b.Receipts[1].ReturnData)
	execs, err := rec.Transactions()
	require.NoError(t, err)
	shape := verifier.Shapes[2]
	shape.Mul, shape.Mcopy, shape.McopyWords, shape.Splice = 64, 4, 8, 24
	kinds := solveBoosterBatch(t, b, execs, batch.Capacity{Calldata: 128, Frame: shape})
	require.Equal(t, 5, kinds[batch.KindFrame])
}
