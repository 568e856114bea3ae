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

// The Undoers and the token of the journal batch tests' L2 genesis.
var (
	undoerTry  = common.HexToAddress("0xd0")
	undoerCall = common.HexToAddress("0xd1")
	undoToken  = common.HexToAddress("0xd2")
)

// TestRevertedCallBatches proves, on the booster, transactions whose
// frames change storage below a frame that reverts, in a capacity with
// undo segments (batch.Capacity.Undo), their segments solved; without
// them, Witnesses refuses the batch:
//   - on L2: bob's Undoer tries, through the other Undoer, a transfer of
//     that Undoer's tokens to carol, which writes both balances and
//     emits Transfer before the Undoer reverts: the balances are as
//     alice's mint left them;
//   - on L1: bob's Undoer tries the L1 counter's increment through the
//     other Undoer's L1CALL, which reverts after it: between alice's
//     and carol's increments (through the Sandboxer), carol's returns 2
//     and the write list holds count = 2;
//   - through L1SANDBOXCALL: bob's Undoer sandboxes an L1 Undoer's
//     forward of the increment, which returns 2 (alice's and its own)
//     and is thrown away with the sandbox.
func TestRevertedCallBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of booster batches")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	undoer := solidity.MustLoad("Undoer").DeployedBytecode
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{undoerTry: {Code: undoer}, undoerCall: {Code: undoer}, undoToken: {Code: solidity.MustLoad("Token").DeployedBytecode},
			sandboxerCaller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	forwarder := l1.Deploy(t, "Undoer")
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	carol := rollup.Account(t, "carol").Address
	transfer, err := solidity.MustLoad("Token").ABI.Pack("transfer", carol, big.NewInt(5))
	require.NoError(t, err)
	increment, err := solidity.MustLoad("BoostedCounter").ABI.Pack("increment")
	require.NoError(t, err)
	forward, err := solidity.MustLoad("Undoer").ABI.Pack("forward", counter, increment)
	require.NoError(t, err)

	rollup.Account(t, "alice").Transact(t, undoToken, "Token", "mint", undoerCall, big.NewInt(100))
	rollup.Account(t, "alice").Transact(t, sandboxerCaller, "Sandboxer", "increment", counter)
	rollup.Account(t, "bob").Transact(t, undoerTry, "Undoer", "tryCall", undoerCall, undoToken, transfer)
	rollup.Account(t, "bob").Transact(t, undoerTry, "Undoer", "tryL1Call", undoerCall, counter, increment)
	rollup.Account(t, "bob").Transact(t, undoerTry, "Undoer", "sandbox", forwarder, forward)
	rollup.Account(t, "carol").Transact(t, sandboxerCaller, "Sandboxer", "increment", counter)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 6)
	for i, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "transaction %d: %x", i, r.ReturnData)
	}
	require.Zero(t, lastWord(b.Receipts[2].ReturnData), "the transfer's try failed")
	require.Zero(t, lastWord(b.Receipts[3].ReturnData), "the increment's try failed")
	require.Equal(t, uint64(2), lastWord(b.Receipts[4].ReturnData), "the sandbox's increment after alice's")
	require.Equal(t, uint64(2), lastWord(b.Receipts[5].ReturnData), "carol's increment after alice's")
	require.Len(t, b.Writes, 1)
	require.Equal(t, uint64(2), b.Writes[0].Value.Big().Uint64())
	execs, err := rec.Transactions()
	require.NoError(t, err)

	// The transactions' calldata and the Undoers' calls hold the calls
	// they pass on.
	c := sandboxerCapacity()
	c.Calldata, c.Frame.Calldata, c.Frame.CallData, c.Frame.Return, c.Frame.CallReturn = 288, 288, 8, 8, 8
	h, err := b.Header()
	require.NoError(t, err)
	lists, err := b.L1Lists()
	require.NoError(t, err)
	_, err = batch.Witnesses(h, lists, b.L2StateBefore(), b.Transactions, execs, c)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	require.ErrorContains(t, err, "a frame above it throws its changes away")
	c.Undo = 4
	kinds := solveBoosterBatch(t, b, execs, c)
	require.Equal(t, 3, kinds[c.UndoKind()], "one undo segment per reverted try, one for the sandbox")
}
