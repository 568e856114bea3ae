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
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// sandboxerCaller and sandboxerReader are the Sandboxer contracts of
// the precompile batch tests' L2 genesis.
var (
	sandboxerCaller = common.HexToAddress("0xca11")
	sandboxerReader = common.HexToAddress("0xca12")
)

// sandboxerCall is one transaction of a precompile batch test: from the
// named account, Sandboxer's method called at sandboxerCaller with the
// L1 counter as the last argument.
type sandboxerCall struct {
	from, method string
	args         []any
}

// sandboxerBatch executes calls on a booster whose L2 genesis holds two
// Sandboxers, beside an L1 BoostedCounter, and returns the batch (every
// transaction successful), its recorded executions and the counter.
func sandboxerBatch(t *testing.T, calls []sandboxerCall) (*booster.Batch, []*trace.Transaction, common.Address) {
	t.Helper()
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	code := solidity.MustLoad("Sandboxer").DeployedBytecode
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{sandboxerCaller: {Code: code}, sandboxerReader: {Code: code}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	for _, c := range calls {
		rollup.Account(t, c.from).Transact(t, sandboxerCaller, "Sandboxer", c.method, append(c.args, counter)...)
	}
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, len(calls))
	for _, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
	}
	execs, err := rec.Transactions()
	require.NoError(t, err)
	return b, execs, counter
}

// sandboxerCapacity holds the Sandboxer's frames: the ERC20 shape, with
// room for its ABI encoding.
func sandboxerCapacity() batch.Capacity {
	shape := verifier.Shapes[2]
	shape.Mul, shape.Mcopy, shape.McopyWords, shape.Splice = 64, 4, 8, 24
	return batch.Capacity{Calldata: 128, Frame: shape}
}

// lastWord is the last 32 bytes of b as a number.
func lastWord(b []byte) uint64 { return new(big.Int).SetBytes(b[len(b)-32:]).Uint64() }

// TestL1PrecompileBatches proves, on the booster, batches that call an
// L1 counter through each precompile, their segments solved:
//   - L1DELEGATECALL (SPEC §1: like DELEGATECALL): after alice's L1CALL,
//     bob's runs the counter's L1 code over the caller's own L2 storage,
//     as the caller, its digest from the counter's L1 code segment: the
//     L1 count stays 1, the caller's slot 0 goes from 0 to 1;
//   - L1SANDBOXCALL: between alice's and carol's L1CALLs, bob's sees
//     alice's write (it returns 2) and its own write and event are thrown
//     away, so carol's returns 2 too and the write list holds count = 2;
//   - L1CALL in a static context: bob's staticCount STATICCALLs the
//     other Sandboxer's readCount, whose L1CALL reads the count alice's
//     left at 1.
func TestL1PrecompileBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of booster batches")
	}
	increment := sandboxerCall{"alice", "increment", nil}
	for _, tc := range []struct {
		name    string
		calls   []sandboxerCall
		returns []uint64
		write   uint64
		frames  int
	}{
		{"L1DELEGATECALL", []sandboxerCall{increment, {"bob", "delegateIncrement", nil}}, []uint64{1, 1}, 1, 4},
		{"L1SANDBOXCALL", []sandboxerCall{increment, {"bob", "sandboxIncrement", nil}, {"carol", "increment", nil}}, []uint64{1, 2, 2}, 2, 6},
		{"static L1CALL", []sandboxerCall{increment, {"bob", "staticCount", []any{sandboxerReader}}}, []uint64{1, 1}, 1, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, execs, counter := sandboxerBatch(t, tc.calls)
			for i, r := range b.Receipts {
				require.Equal(t, tc.returns[i], lastWord(r.ReturnData), "transaction %d", i)
			}
			require.Len(t, b.Writes, 1)
			require.Equal(t, tc.write, b.Writes[0].Value.Big().Uint64())
			if tc.name == "L1DELEGATECALL" {
				f := execs[1].Frames[1]
				require.True(t, f.L1Code)
				require.Equal(t, counter, f.Trace.CodeAddress)
				require.Equal(t, sandboxerCaller, f.Trace.Address)
			}
			kinds := solveBoosterBatch(t, b, execs, sandboxerCapacity())
			require.Equal(t, tc.frames, kinds[batch.KindFrame])
		})
	}
}

// TestL1BlockHashBatch proves, on the booster, an L1 frame's BLOCKHASH
// of the pinned block's parent: bob's L1CALL of Probe.context returns
// blockhash(block.number - 1) among the L1 block's values, the pinned
// header's parent hash, and the segments of the batch solve.
func TestL1BlockHashBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{sandboxerCaller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))
	probe := l1.Deploy(t, "Probe")
	l1.Advance(3)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	input, err := solidity.MustLoad("Probe").ABI.Pack("context")
	require.NoError(t, err)
	rollup.Account(t, "bob").Transact(t, sandboxerCaller, "Sandboxer", "l1Call", probe, input)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 1)
	r := b.Receipts[0]
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
	lists, err := b.L1Lists()
	require.NoError(t, err)
	require.NotEqual(t, common.Hash{}, lists.Block.ParentHash)
	require.Equal(t, lists.Block.ParentHash.Bytes(), r.ReturnData[len(r.ReturnData)-32:])
	execs, err := rec.Transactions()
	require.NoError(t, err)
	c := sandboxerCapacity()
	c.Calldata = 160 // l1Call's ABI encoding: 132 bytes
	// Probe.context's seven words, returned as bytes.
	c.Frame.CallReturn, c.Frame.Return, c.Frame.RdcWords = 8, 10, 8
	kinds := solveBoosterBatch(t, b, execs, c)
	require.Equal(t, 1, kinds[batch.KindBlock])
}

// TestPrecompileRefusalBatch proves, on the booster, the booster
// precompiles' refusals (SPEC §1) as the Sandboxer's raw calls meet
// them: alice's L1CALL with 10 bytes of input fails with
// L1CallInvalidInput(), bob's L1SANDBOXCALL with a wei of value with
// L1CallValueNotAllowed(), carol's L1DELEGATECALL with no input with
// L1CallInvalidInput(); each transaction succeeds with its raw call's
// outcome. Sent to L1CALL itself, dave's transaction of 19 bytes of
// calldata fails with L1CallInvalidInput(), bob's with a wei with
// L1CallValueNotAllowed(). The segments of the batch, which runs no L1
// frame, solve.
func TestPrecompileRefusalBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{sandboxerCaller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}), boostertest.Funded(t, big.NewInt(1_000_000_000), "bob"))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	sandboxer := solidity.MustLoad("Sandboxer").ABI
	raw := func(p common.Address, input []byte) []byte {
		data, err := sandboxer.Pack("raw", p, input)
		require.NoError(t, err)
		return data
	}
	rollup.Account(t, "alice").Send(t, &sandboxerCaller, nil, raw(precompiles.L1CallAddress, counter[:10]), 200_000)
	rollup.Account(t, "bob").Send(t, &sandboxerCaller, big.NewInt(1), raw(precompiles.L1SandboxCallAddress, counter[:]), 2_000_000)
	rollup.Account(t, "carol").Send(t, &sandboxerCaller, nil, raw(precompiles.L1DelegateCallAddress, nil), 200_000)
	// Sent to L1CALL itself: 19 bytes of calldata, and value.
	l1Call := precompiles.L1CallAddress
	rollup.Account(t, "dave").Send(t, &l1Call, nil, counter[:19], 200_000)
	rollup.Account(t, "bob").Send(t, &l1Call, big.NewInt(1), counter[:], 2_000_000)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Empty(t, b.Rejected)
	require.Len(t, b.Receipts, 5)
	for i, want := range [][]byte{precompiles.ErrInvalidInput.Encode(), precompiles.ErrValueNotAllowed.Encode()} {
		r := b.Receipts[3+i]
		require.Equal(t, types.ReceiptStatusFailed, r.Status, "transaction %d", 3+i)
		require.Equal(t, want, r.ReturnData, "transaction %d", 3+i)
	}
	for i, want := range [][]byte{precompiles.ErrInvalidInput.Encode(), precompiles.ErrValueNotAllowed.Encode(), precompiles.ErrInvalidInput.Encode()} {
		r := b.Receipts[i]
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "transaction %d: %x", i, r.ReturnData)
		out, err := sandboxer.Unpack("raw", r.ReturnData)
		require.NoError(t, err)
		require.False(t, out[0].(bool), "transaction %d", i)
		require.Equal(t, want, out[1].([]byte), "transaction %d", i)
	}
	execs, err := rec.Transactions()
	require.NoError(t, err)
	// raw's calldata: its two arguments and the input's 32 bytes.
	c := sandboxerCapacity()
	c.Calldata = 160
	kinds := solveBoosterBatch(t, b, execs, c)
	require.Equal(t, 3, kinds[batch.KindFrame])
	require.Zero(t, kinds[batch.KindBlock], "no L1 frame ran")
}
