package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// delegateShape is callShape with room for a log.
var delegateShape = func() verifier.Shape {
	s := callShape
	s.Logs, s.LogData = 1, 1
	return s
}()

// delegateCapacity holds the DELEGATECALL tests' batches.
var delegateCapacity = Capacity{Calldata: dataCap, Frame: delegateShape, Slots: 3, L1Slots: 1}

// Addresses of the DELEGATECALL tests' contracts.
var (
	dProxy = common.HexToAddress("0x00000000000000000000000000000000000000f1")
	dImpl  = common.HexToAddress("0x00000000000000000000000000000000000000f2")
)

// dImplCode adds one to slot 0, stores CALLER at slot 1 and ADDRESS at
// slot 2, logs the sum (LOG1 0xee) and returns it.
var dImplCode = common.FromHex("600054" + "600101" + "80" + "600055" + "33600155" + "30600255" +
	"80600052" + "60ee60206000a1" + "50" + "60206000f3")

// proxyCode stores 9 at slot 5, then DELEGATECALLs to with no input,
// its return to memory 0..32, and returns that word.
func proxyCode(to common.Address) []byte {
	code := common.FromHex("6009600555" + "60206000600060007" + "3")
	code = append(code, to[:]...)
	return append(code, common.FromHex("5af450"+"60206000f3")...)
}

// TestDelegateCall checks a proxy's DELEGATECALL: the implementation's
// frame runs its code over the proxy's storage, as the proxy (its
// caller, address and value), its log the proxy's; the batch solves, the
// frame reading its code's digest under the implementation's address.
// A slot the delegating frame touches too is refused by the trace; a
// witness that makes the implementation's frame read such a slot from
// the delegating frame's write (so that the proxy would read a slot the
// implementation wrote as it was before) is refused by that frame's
// segment only; the frame entered as a plain call is refused.
func TestDelegateCall(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of the call shape")
	}
	w := &world{code: map[common.Address][]byte{dProxy: proxyCode(dImpl), dImpl: dImplCode}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	exec := w.run(t, dProxy, nil)
	require.Len(t, exec.Frames, 2)
	impl := exec.Frames[1].Trace
	require.Equal(t, dProxy, impl.Address)
	require.Equal(t, dImpl, impl.CodeAddress)
	require.Equal(t, alice, impl.Caller)
	word := func(a common.Address) common.Hash { return common.BytesToHash(a[:]) }
	require.Equal(t, map[common.Hash]common.Hash{
		common.BigToHash(big.NewInt(0)): common.BigToHash(big.NewInt(1)),
		common.BigToHash(big.NewInt(1)): word(alice),
		common.BigToHash(big.NewInt(2)): word(dProxy),
		common.BigToHash(big.NewInt(5)): common.BigToHash(big.NewInt(9)),
	}, w.storage[dProxy])
	_, txs := signedBatch(t, []memCall{{dProxy, nil}})
	execs := []*trace.Transaction{exec}
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	segs, err := witnessesFor(h, noL1, txs, execs, delegateCapacity)
	require.NoError(t, err)
	require.Empty(t, solveAll(t, delegateCapacity, segs))

	t.Run("a slot both frames touch", func(t *testing.T) {
		// The proxy reads slot 0, which the implementation writes.
		w := &world{code: map[common.Address][]byte{dProxy: append(common.FromHex("60005450"), proxyCode(dImpl)...), dImpl: dImplCode}, storage: map[common.Address]map[common.Hash]common.Hash{}}
		ctx := l2Context
		_, err := trace.RunTransaction(trace.Call{Code: w.code[dProxy], Address: dProxy, Caller: alice, Contracts: map[common.Address][]byte{dImpl: dImplCode}, Context: &ctx})
		require.ErrorIs(t, err, verifier.ErrUnsupported)
		require.ErrorContains(t, err, "touches too")
	})

	t.Run("a read of the delegating frame's write", func(t *testing.T) {
		// The proxy delegates to code that sets slot 0 to 1, then reads
		// slot 0: the EVM gives it 1. The proxy's trace is taken with a
		// stand-in that does nothing (it reads 0), the implementation's
		// on its own: the storage argument balances with the
		// implementation reading slot 0 from the proxy's write.
		setter := common.FromHex("6001600055" + "00")
		proxy := append(common.FromHex("60006000600060007"+"3"), dImpl[:]...)
		proxy = append(proxy, common.FromHex("5af450"+"60005450"+"00")...)
		ctx := l2Context
		p, err := trace.Run(trace.Call{Code: proxy, Address: dProxy, Caller: alice, Contracts: map[common.Address][]byte{dImpl: {0x00}}, Context: &ctx})
		require.NoError(t, err)
		ctx2 := l2Context
		d, err := trace.Run(trace.Call{Code: setter, Address: dProxy, Caller: alice, Context: &ctx2})
		require.NoError(t, err)
		d.CodeAddress, d.Origin = dImpl, alice
		forged := &trace.Transaction{Frames: []trace.Frame{{Trace: p, Parent: -1}, {Trace: d, Parent: 0, Call: 0}}}
		_, txs := signedBatch(t, []memCall{{dProxy, nil}})
		execs := []*trace.Transaction{forged}
		h := headerFor(t, txs, noL1)
		withOutcomes(t, h, txs, execs)
		_, err = witnessesFor(h, noL1, txs, execs, delegateCapacity)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
		segs, err := faultyWitnesses(h, noL1, txs, execs, delegateCapacity, &faults{unsupported: true})
		require.NoError(t, err)
		require.Equal(t, []int{3}, solveAll(t, delegateCapacity, segs))
	})

	t.Run("entered as a plain call", func(t *testing.T) {
		segs, err := witnessesFor(h, noL1, txs, execs, delegateCapacity)
		require.NoError(t, err)
		a := segs[3].Assignment.(*frameSegment)
		require.True(t, isOne(a.Delegation.On))
		a.Delegation = delegation{On: 0, Code: new(big.Int).SetBytes(dProxy[:]), By: 0, L1Code: 0}
		circuits, err := Circuits(delegateCapacity)
		require.NoError(t, err)
		require.Error(t, solveOn(circuits, segs[3]))
	})
}

// TestDelegateCallRefused checks what Witnesses refuses by name: a
// DELEGATECALL from a frame a DELEGATECALL entered.
func TestDelegateCallRefused(t *testing.T) {
	inner := common.HexToAddress("0x00000000000000000000000000000000000000f3")
	w := &world{code: map[common.Address][]byte{dProxy: proxyCode(dImpl), dImpl: proxyCode(inner)[5:], inner: common.FromHex("60206000f3")}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	ctx := l2Context
	exec, err := trace.RunTransaction(trace.Call{Code: w.code[dProxy], Address: dProxy, Caller: alice, Contracts: map[common.Address][]byte{dImpl: w.code[dImpl], inner: w.code[inner]}, Context: &ctx})
	require.NoError(t, err)
	_, txs := signedBatch(t, []memCall{{dProxy, nil}})
	execs := []*trace.Transaction{exec}
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	_, err = witnessesFor(h, noL1, txs, execs, delegateCapacity)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	require.ErrorContains(t, err, "from a frame a DELEGATECALL entered")
}

// TestMulticall proves a multicall in the style of OpenZeppelin's
// (solidity/test/Multi.sol): the contract DELEGATECALLs itself twice,
// each frame bumping the sender's count, the second reading what the
// first left, and logging; the batch solves, with the count where
// go-ethereum left it.
func TestMulticall(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of the ERC20 shape")
	}
	multi := common.HexToAddress("0x00000000000000000000000000000000000000f3")
	a := solidity.MustLoad("Multi")
	w := &world{code: map[common.Address][]byte{multi: a.DeployedBytecode}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	one, two := pack(t, "Multi", "bump", big.NewInt(1)), pack(t, "Multi", "bump", big.NewInt(2))
	h, txs, execs := sentBatch(t, w, []sentCall{{"alice", multi, pack(t, "Multi", "multicall", [][]byte{one, two})}})
	exec := execs[0]
	require.False(t, exec.Frames[0].Trace.Reverted)
	require.Len(t, exec.Frames, 3)
	for _, f := range exec.Frames[1:] {
		require.Equal(t, multi, f.Trace.Address)
		require.Equal(t, alice, f.Trace.Caller)
		require.Len(t, f.Trace.Logs, 1)
	}
	count := crypto.Keccak256Hash(common.BytesToHash(alice[:]).Bytes(), common.Hash{}.Bytes())
	require.Equal(t, common.BigToHash(big.NewInt(3)), w.storage[multi][count])
	// The multicall's 324 bytes of calldata take the 2^12 shape, the
	// bumps the ERC20 shape.
	c := Capacity{Calldata: 384, Frame: verifier.Shapes[3], Frames: []verifier.Shape{verifier.Shapes[2]}}
	segs, err := witnessesFor(h, noL1, txs, execs, c)
	require.NoError(t, err)
	small := c.FrameKind(0)
	require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, small, small, KindEnd}, kindsOf(segs))
	require.Empty(t, solveAll(t, c, segs))
}
