package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// testContext is a context whose every value is distinct and non-zero,
// with limbs above 2^128 where the type allows.
func testContext() *trace.Context {
	return &trace.Context{
		Coinbase:   common.HexToAddress("0xc014ba5e00000000000000000000000000000001"),
		Timestamp:  1_767_225_600,
		Number:     21_000_000,
		PrevRandao: common.HexToHash("0x5eed00000000000000000000000000000000000000000000000000000000beef"),
		GasLimit:   36_000_000,
		ChainID:    *uint256.NewInt(167001),
		BaseFee:    *uint256.NewInt(7),
		GasPrice:   *uint256.MustFromHex("0x100000000000000000000000000000009"),
	}
}

// envOps are the context opcodes, with what each pushes in testContext
// for a call of value 5.
var envOps = []struct {
	op   vm.OpCode
	want func(c *trace.Context) *uint256.Int
}{
	{vm.COINBASE, func(c *trace.Context) *uint256.Int { return new(uint256.Int).SetBytes(c.Coinbase[:]) }},
	{vm.TIMESTAMP, func(c *trace.Context) *uint256.Int { return uint256.NewInt(c.Timestamp) }},
	{vm.NUMBER, func(c *trace.Context) *uint256.Int { return uint256.NewInt(c.Number) }},
	{vm.PREVRANDAO, func(c *trace.Context) *uint256.Int { return new(uint256.Int).SetBytes(c.PrevRandao[:]) }},
	{vm.GASLIMIT, func(c *trace.Context) *uint256.Int { return uint256.NewInt(c.GasLimit) }},
	{vm.CHAINID, func(c *trace.Context) *uint256.Int { return &c.ChainID }},
	{vm.BASEFEE, func(c *trace.Context) *uint256.Int { return &c.BaseFee }},
	{vm.GASPRICE, func(c *trace.Context) *uint256.Int { return &c.GasPrice }},
	{vm.SELFBALANCE, func(c *trace.Context) *uint256.Int { return uint256.NewInt(5) }},
}

func envTrace(t *testing.T, op vm.OpCode, ctx *trace.Context) *trace.Trace {
	t.Helper()
	tr, err := trace.Run(trace.Call{Code: newProgram().op(op).returnTop().bytes(), Address: common.HexToAddress("0xc0de"),
		Caller: common.HexToAddress("0xca11"), Value: big.NewInt(5), Context: ctx})
	require.NoError(t, err)
	return tr
}

// TestDifferentialContext runs each context opcode on go-ethereum with a
// context of distinct values and proves what it pushed.
func TestDifferentialContext(t *testing.T) {
	ctx := testContext()
	for _, tc := range envOps {
		t.Run(tc.op.String(), func(t *testing.T) {
			tr := envTrace(t, tc.op, ctx)
			want := tc.want(ctx).Bytes32()
			require.Equal(t, want[:], tr.ReturnData)
			w := mustAssign(t, tr, tiny)
			accepts(t, tiny, w)
			c, err := PublicOf(tr).Commitment(tiny)
			require.NoError(t, err)
			require.Equal(t, c, w.Commitment, "the commitment from the public values alone")
		})
	}
}

// TestSoundnessContext: a context opcode's value is the bound context's.
// A forged push is rejected, and so is a proof's commitment to another
// context than the one the call ran in.
func TestSoundnessContext(t *testing.T) {
	ctx := testContext()
	for _, tc := range envOps {
		t.Run(tc.op.String(), func(t *testing.T) {
			tr := envTrace(t, tc.op, ctx)
			rejects(t, tiny, mustAssign(t, forgeResult(t, tr, tc.op, 1), tiny))
		})
	}
	t.Run("another context in the commitment", func(t *testing.T) {
		tr := envTrace(t, vm.TIMESTAMP, ctx)
		w := mustAssign(t, tr, tiny)
		pub := PublicOf(tr)
		pub.Context.Timestamp++
		c, err := pub.Commitment(tiny)
		require.NoError(t, err)
		require.NotEqual(t, c, w.Commitment)
		w.Commitment = c
		rejects(t, tiny, w)
	})
}

// TestRecorderContext: the hooks' block values fill the context, the
// values they lack come from the steps, and SetContext is checked
// against what the call read.
func TestRecorderContext(t *testing.T) {
	code := newProgram().op(vm.CHAINID, vm.TIMESTAMP, vm.ADD).returnTop().bytes()
	call := trace.Call{Code: code, Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11"), Context: testContext()}

	rec := trace.NewRecorder()
	require.NoError(t, trace.RunWithHooks(call, rec.Hooks()))
	tr, err := rec.Trace()
	require.NoError(t, err)
	require.Equal(t, testContext().Timestamp, tr.Context.Timestamp, "from OnTxStart")
	require.Equal(t, testContext().ChainID, tr.Context.ChainID, "from the CHAINID step")
	accepts(t, tiny, mustAssign(t, tr, tiny))

	rec = trace.NewRecorder()
	other := testContext()
	other.ChainID = *uint256.NewInt(1)
	rec.SetContext(*other)
	require.NoError(t, trace.RunWithHooks(call, rec.Hooks()))
	_, err = rec.Trace()
	require.ErrorIs(t, err, ErrExecution)
	require.ErrorContains(t, err, "CHAINID")
}

// TestContextOrder: the recorder's context values (trace.Context.Values,
// trace.ContextIndex) are in the order of the circuit's environment
// table, and every opcode the table reads from the context is one the
// recorder checks.
func TestContextOrder(t *testing.T) {
	n := 0
	for op, spec := range opcodes {
		if spec.fam != famEnv || spec.aux < envCoinbase {
			continue
		}
		n++
		i, ok := trace.ContextIndex(op)
		require.True(t, ok, "%s", op)
		require.Equal(t, spec.aux-envCoinbase, i, "%s", op)
	}
	require.Equal(t, trace.NumContext, n)
}
