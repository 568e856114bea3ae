package batch

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// vaultBatch is a batch of one transaction: alice withdraws 5 tokens from
// a vault (solidity/test/Vault.sol), which calls the token's transfer and
// then its balanceOf (a STATICCALL). It returns the header, the
// transaction and its execution as trace.RunTransaction records it.
func vaultBatch(t *testing.T) (*Header, *types.Transaction, *trace.Transaction) {
	t.Helper()
	vault, token := common.HexToAddress("0x7a01"), common.HexToAddress("0x70ce")
	key := testKey(t, "alice")
	alice := crypto.PubkeyToAddress(key.PublicKey)
	word := func(v int64) common.Hash { return common.BigToHash(big.NewInt(v)) }
	slot := func(a common.Address, base common.Hash) common.Hash {
		return crypto.Keccak256Hash(common.BytesToHash(a[:]).Bytes(), base[:])
	}
	input, err := solidity.MustLoad("Vault").ABI.Pack("withdraw", big.NewInt(5))
	require.NoError(t, err)
	ctx := l2Context
	exec, err := trace.RunTransaction(trace.Call{Code: deployed(t, "Vault", token), Address: vault, Caller: alice, Input: input, Context: &ctx,
		Storage:   map[common.Hash]common.Hash{slot(alice, word(0)): word(20)},
		Contracts: map[common.Address][]byte{token: deployed(t, "Token")},
		ContractStorage: map[common.Address]map[common.Hash]common.Hash{token: {
			slot(alice, word(1)): word(100),
			slot(vault, word(1)): word(20),
		}}})
	require.NoError(t, err)
	require.Len(t, exec.Frames, 3)
	require.False(t, exec.Frames[0].Trace.Reverted)
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(l2Chain), &types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 500_000, To: &vault, Data: input})
	h, _ := testBatch(t)
	withOutcomes(t, h, []*types.Transaction{tx}, []*trace.Transaction{exec})
	return h, tx, exec
}

// TestCallsLink proves a transaction whose frame calls two others (CALL
// and STATICCALL into a token) as one batch's segments, and breaks each
// link between them.
func TestCallsLink(t *testing.T) {
	if testing.Short() {
		t.Skip("solves three EVM frames of the ERC20 shape")
	}
	h, tx, exec := vaultBatch(t)
	c := Capacity{Calldata: dataCap, Frame: verifier.Shapes[2], L1Slots: 2}
	witnesses := func() []SegmentWitness {
		segs, err := witnessesFor(h, noL1, []*types.Transaction{tx}, []*trace.Transaction{exec}, c)
		require.NoError(t, err)
		return segs
	}
	circuits, err := Circuits(c)
	require.NoError(t, err)
	solve := func(s SegmentWitness) error {
		return solveOn(circuits, s)
	}
	segs := witnesses()
	// Header, signature, the vault, transfer, balanceOf, end.
	require.Len(t, segs, 6)
	for i, s := range segs {
		require.NoError(t, solve(s), "segment %d", i)
	}
	require.Equal(t, 1, segs[4].Assignment.(*frameSegment).Static, "balanceOf is a static call")
	require.Equal(t, 0, segs[3].Assignment.(*frameSegment).Static)

	// transfer's segment with the frame of another transfer.
	t.Run("a callee the call did not enter", func(t *testing.T) {
		callee := exec.Frames[1].Trace
		other, err := solidity.MustLoad("Token").ABI.Pack("transfer", common.HexToAddress("0xbad"), big.NewInt(5))
		require.NoError(t, err)
		tr, err := trace.Run(trace.Call{Code: callee.Code, Address: callee.Address, Caller: callee.Caller, Input: other, Context: &callee.Context,
			Storage: map[common.Hash]common.Hash{}})
		require.NoError(t, err)
		w, err := verifier.Assign(tr, c.Frame)
		require.NoError(t, err)
		s := witnesses()[3]
		s.Assignment.(*frameSegment).Frame = w.FrameWitness
		require.Error(t, solve(s))
	})
	t.Run("a static callee taken for a plain one", func(t *testing.T) {
		s := witnesses()[4]
		s.Assignment.(*frameSegment).Static = 0
		require.Error(t, solve(s))
	})
	t.Run("a callee left out", func(t *testing.T) {
		// The end right after transfer, balanceOf still pending.
		segs := witnesses()
		s := segs[5]
		e := s.Assignment.(*endSegment)
		e.Pending = segs[4].Assignment.(*frameSegment).Pending
		e.In = segs[3].Segment.Out
		require.Error(t, solve(s))
	})
	t.Run("a static frame that writes", func(t *testing.T) {
		// transfer's segment entered as static: its context (and so the
		// boundary it starts from) says so, and the frame writes storage.
		segs := witnesses()
		s := segs[3]
		a := s.Assignment.(*frameSegment)
		tr := exec.Frames[1].Trace
		call := exec.Frames[0].Trace.Calls[0]
		require.Equal(t, vm.CALL, call.Op)
		// The log chains it hands back (its Transfer log in): the
		// vault's call's.
		out := logsOf(segs[2].Assignment.(*frameSegment).CallLogs[0])
		ctx := push(entryOf(tr.Caller, tr.Origin, tr.Context.GasPrice.ToBig(), tr.Address, tr.Value.ToBig(), tr.Calldata, entryFlags{static: true}, logsOf(a.LogsIn), u64Of(a.Tx), delegated{}, fesOf(a.Ancestors), c.Calldata), outcomeOf(call.Success, call.ReturnData, out, outcomeWords(c.Frame)))
		var rest, acc fr.Element
		rest.SetBigInt(a.Rest.(*big.Int))
		acc.SetBigInt(a.Acc.(*big.Int))
		p := push(ctx, rest)
		a.Static = 1
		a.Pending = p.BigInt(new(big.Int))
		a.In = boundary(h.Hash(), l2Chain, h.Transactions, acc, p, memOf(a.Mem))
		require.Error(t, solve(s))
		// The same with Static 0 and the plain context solves: the
		// boundary arithmetic above is the segment's.
		plain := push(entryOf(tr.Caller, tr.Origin, tr.Context.GasPrice.ToBig(), tr.Address, tr.Value.ToBig(), tr.Calldata, entryFlags{}, logsOf(a.LogsIn), u64Of(a.Tx), delegated{}, fesOf(a.Ancestors), c.Calldata), outcomeOf(call.Success, call.ReturnData, out, outcomeWords(c.Frame)))
		p = push(plain, rest)
		a.Static = 0
		a.Pending = p.BigInt(new(big.Int))
		a.In = boundary(h.Hash(), l2Chain, h.Transactions, acc, p, memOf(a.Mem))
		require.NoError(t, solve(s))
	})
}
