package booster_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/precompiles"
)

func TestL1ExecutionContext(t *testing.T) {
	w := newWorld(t)
	pinned := w.b.L1Source().Header()
	batch := w.run(w.l1Tx(l1Call, w.probe, pack(t, "Probe", "context")))
	requireSuccess(t, batch.Receipts[0])
	out := unpack(t, "Probe", "context", batch.Receipts[0].ReturnData)
	checks := []struct {
		name      string
		got, want any
	}{
		{"msg.sender", out[0].(common.Address), w.user.Addr},
		{"tx.origin", out[1].(common.Address), w.user.Addr},
		{"block.number", out[2].(*big.Int).Uint64(), pinned.Number.Uint64()},
		{"block.timestamp", out[3].(*big.Int).Uint64(), pinned.Time},
		{"block.chainid", out[4].(*big.Int).Uint64(), params.AllDevChainProtocolChanges.ChainID.Uint64()},
		{"block.basefee", out[5].(*big.Int).Uint64(), pinned.BaseFee.Uint64()},
		{"blockhash(number-1)", common.Hash(out[6].([32]byte)), pinned.ParentHash},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestSenderAliasing(t *testing.T) {
	w := newWorld(t)
	// The same contract deployed by the same key at the same nonce on both
	// chains has the same address and code: it keeps its address on L1.
	twin := testenv.NewL2Account(t, "twin", l2ChainID)
	twinTx, twinAddr := twin.Deploy(t, "Caller")
	l1Twin := w.l1.SendFrom(t, testenv.Key(t, "twin"), nil, nil, twinTx.Data())
	if l1Twin.ContractAddress != twinAddr {
		t.Fatalf("twin deployed at %s on L1 and %s on L2", l1Twin.ContractAddress, twinAddr)
	}
	if err := w.b.SetL1Source(w.l1.Source(t)); err != nil {
		t.Fatal(err)
	}
	whoami := pack(t, "Probe", "whoami")
	viaCaller := w.callerTx("l1Call", w.probe, whoami)
	viaTwin := w.user.Tx(t, &twinAddr, nil, pack(t, "Caller", "l1Call", w.probe, whoami), 2_000_000)
	viaDelegate := w.callerTx("delegateToL1Call", w.probe, whoami)
	ctorTx, ctorAddr := w.user.Deploy(t, "ConstructorCaller", w.probe, whoami)
	batch := w.run(twinTx, viaCaller, viaTwin, viaDelegate, ctorTx)
	for _, r := range batch.Receipts {
		requireSuccess(t, r)
	}
	sender := func(ret []byte) common.Address {
		return unpack(t, "Probe", "whoami", unpack(t, "Caller", "l1Call", ret)[0].([]byte))[1].(common.Address)
	}
	if got, want := sender(batch.Receipts[1].ReturnData), precompiles.Alias(w.caller); got != want {
		t.Errorf("L2-only contract acts on L1 as %s, want alias %s", got, want)
	}
	if got := sender(batch.Receipts[2].ReturnData); got != twinAddr {
		t.Errorf("contract with the same code on both chains acts as %s, want %s", got, twinAddr)
	}
	// DELEGATECALL into the precompile must not let Caller act as its own
	// caller (the user).
	delegated := unpack(t, "Caller", "delegateToL1Call", batch.Receipts[3].ReturnData)
	if !delegated[0].(bool) {
		t.Fatalf("delegatecall into L1CALL failed: %x", delegated[1])
	}
	if got := unpack(t, "Probe", "whoami", delegated[1].([]byte))[1].(common.Address); got != precompiles.Alias(w.caller) {
		t.Errorf("DELEGATECALL into L1CALL acts on L1 as %s, want alias of the calling contract %s", got, precompiles.Alias(w.caller))
	}
	// A constructor has no code yet: it must be aliased, not taken for an EOA.
	stored := w.b.Chain().Storage(ctorAddr, common.Hash{})
	if stored == (common.Hash{}) {
		t.Fatal("ConstructorCaller stored nothing")
	}
	if got := readStoredBytes(t, w, ctorAddr); got[1].(common.Address) != precompiles.Alias(ctorAddr) {
		t.Errorf("constructor acts on L1 as %s, want alias %s", got[1], precompiles.Alias(ctorAddr))
	}
	if a := precompiles.Alias(common.HexToAddress("0xffffffffffffffffffffffffffffffffffffffff")); a != common.HexToAddress("0x1111000000000000000000000000000000001110") {
		t.Errorf("alias does not wrap modulo 2^160: %s", a)
	}
}

// readStoredBytes calls ConstructorCaller.result() on L2 and decodes it as
// Probe.whoami's return values.
func readStoredBytes(t *testing.T, w *world, addr common.Address) []any {
	t.Helper()
	batch := w.run(w.user.Tx(t, &addr, nil, pack(t, "ConstructorCaller", "result"), 1_000_000))
	requireSuccess(t, batch.Receipts[0])
	raw := unpack(t, "ConstructorCaller", "result", batch.Receipts[0].ReturnData)[0].([]byte)
	return unpack(t, "Probe", "whoami", raw)
}

func TestPrecompilesAreWarm(t *testing.T) {
	w := newWorld(t)
	batch := w.run(w.callerTx("gasOfEmptyCall"))
	requireSuccess(t, batch.Receipts[0])
	used := new(big.Int).SetBytes(batch.Receipts[0].ReturnData).Uint64()
	if used >= params.ColdAccountAccessCostEIP2929 {
		t.Fatalf("a call to L1CALL cost %d gas: the address is cold (want < %d)", used, params.ColdAccountAccessCostEIP2929)
	}
}

func TestRejectedTransactionsLeaveStateAsItWas(t *testing.T) {
	w := newWorld(t)
	ok := w.l1Tx(l1Call, w.counter, pack(t, "Counter", "increment"))
	if err := w.b.Submit(ok); err != nil {
		t.Fatal(err)
	}
	other := testenv.NewL2Account(t, "user", big.NewInt(999))
	other.Nonce = w.user.Nonce
	wrongChain := other.Tx(t, &w.counter, nil, nil, 100_000)
	badSig, err := ok.WithSignature(types.LatestSignerForChainID(l2ChainID), append(make([]byte, 64), 1))
	if err != nil {
		t.Fatal(err)
	}
	gap := w.user.Tx(t, &w.counter, nil, nil, 100_000)
	gap = w.user.Tx(t, &w.counter, nil, nil, 100_000) // skips one nonce
	w.user.Nonce -= 2
	next := w.user.Nonce
	sign := func(inner types.TxData) *types.Transaction {
		return types.MustSignNewTx(w.user.Key, types.LatestSignerForChainID(l2ChainID), inner)
	}
	// Signed without a chain id (pre-EIP-155): valid on every chain.
	unprotected := types.MustSignNewTx(w.user.Key, types.HomesteadSigner{}, &types.LegacyTx{
		Nonce: next, GasPrice: big.NewInt(params.GWei), Gas: 100_000, To: &w.counter,
	})
	blob := sign(&types.BlobTx{
		ChainID: uint256.MustFromBig(l2ChainID), Nonce: next, Gas: 100_000, To: w.counter,
		GasFeeCap: uint256.NewInt(params.GWei), BlobFeeCap: uint256.NewInt(1), BlobHashes: []common.Hash{{1}},
	})
	auth, err := types.SignSetCode(w.user.Key, types.SetCodeAuthorization{ChainID: *uint256.MustFromBig(l2ChainID), Address: w.caller, Nonce: next + 1})
	if err != nil {
		t.Fatal(err)
	}
	setCode := sign(&types.SetCodeTx{
		ChainID: uint256.MustFromBig(l2ChainID), Nonce: next, Gas: 100_000, To: w.user.Addr,
		GasFeeCap: uint256.NewInt(params.GWei), AuthList: []types.SetCodeAuthorization{auth},
	})
	tooMuchGas := sign(&types.DynamicFeeTx{ChainID: l2ChainID, Nonce: next, Gas: evm.DefaultGasLimit + 1, To: &w.counter})
	aboveTxCap := sign(&types.DynamicFeeTx{ChainID: l2ChainID, Nonce: next, Gas: params.MaxTxGas + 1, To: &w.counter})
	belowIntrinsic := sign(&types.DynamicFeeTx{ChainID: l2ChainID, Nonce: next, Gas: 20_000, To: &w.counter})
	// Another transaction with the nonce ok has (queued): a replacement.
	sameNonce := sign(&types.DynamicFeeTx{ChainID: l2ChainID, Nonce: ok.Nonce(), Gas: 100_000, To: &w.counter, GasFeeCap: big.NewInt(params.GWei)})
	cases := []struct {
		name string
		tx   *types.Transaction
		want error
	}{
		{"sent again while queued", ok, txpool.ErrAlreadyKnown},
		{"another with a queued nonce", sameNonce, core.ErrNonceTooLow},
		{"wrong chain", wrongChain, types.ErrInvalidChainId},
		{"bad signature", badSig, types.ErrInvalidSig},
		{"nonce gap", gap, core.ErrNonceTooHigh},
		{"nil", nil, booster.ErrRejected},
		{"no chain id (pre-EIP-155)", unprotected, booster.ErrUnprotectedTx},
		{"blob transaction", blob, evm.ErrBlobTx},
		{"set-code transaction", setCode, booster.ErrSetCodeTx},
		{"gas above the block's", tooMuchGas, booster.ErrTxGasLimit},
		{"gas above EIP-7825's cap", aboveTxCap, booster.ErrTxGasLimit},
		{"gas below intrinsic", belowIntrinsic, core.ErrIntrinsicGas},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := w.b.Submit(c.tx)
			if !errors.Is(err, booster.ErrRejected) || !errors.Is(err, c.want) {
				t.Fatalf("Submit = %v, want ErrRejected wrapping %v", err, c.want)
			}
			if w.b.Pending() != 1 {
				t.Fatalf("pending = %d after a rejection, want 1", w.b.Pending())
			}
		})
	}
	before := w.b.Chain().Nonce(w.user.Addr)
	batch, err := w.b.ExecuteBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Receipts) != 1 || w.b.Chain().Nonce(w.user.Addr) != before+1 {
		t.Fatalf("batch applied %d transactions, nonce %d -> %d", len(batch.Receipts), before, w.b.Chain().Nonce(w.user.Addr))
	}
	// Replaying the applied transaction in a later batch is refused too.
	if err := w.b.Submit(ok); !errors.Is(err, core.ErrNonceTooLow) {
		t.Fatalf("replay after execution: %v", err)
	}
}

// TestFeeCapBelowBaseFeeRefused: a transaction that cannot pay the L2 base
// fee is refused at Submit, not dropped later.
func TestFeeCapBelowBaseFeeRefused(t *testing.T) {
	w := newWorld(t, booster.WithBaseFee(big.NewInt(params.GWei)))
	low := types.MustSignNewTx(w.user.Key, types.LatestSignerForChainID(l2ChainID), &types.DynamicFeeTx{
		ChainID: l2ChainID, Nonce: w.user.Nonce, GasFeeCap: big.NewInt(params.GWei / 2), Gas: 100_000, To: &w.counter,
	})
	if err := w.b.Submit(low); !errors.Is(err, booster.ErrRejected) || !errors.Is(err, core.ErrFeeCapTooLow) {
		t.Fatalf("Submit = %v, want ErrRejected wrapping core.ErrFeeCapTooLow", err)
	}
	if w.b.Pending() != 0 {
		t.Fatalf("pending = %d after a refusal", w.b.Pending())
	}
}

func TestUnaffordableTransactionIsDroppedFromBatch(t *testing.T) {
	w := newWorld(t, booster.WithBaseFee(big.NewInt(params.GWei)))
	poor := testenv.NewL2Account(t, "poor", l2ChainID)
	tx := types.MustSignNewTx(poor.Key, types.LatestSignerForChainID(l2ChainID), &types.DynamicFeeTx{
		ChainID: l2ChainID, GasFeeCap: big.NewInt(params.GWei), Gas: 100_000, To: &w.counter,
	})
	if err := w.b.Submit(tx); err != nil {
		t.Fatal(err)
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Rejected) != 1 || !errors.Is(batch.Rejected[0].Err, core.ErrInsufficientFunds) {
		t.Fatalf("rejected = %v, want one ErrInsufficientFunds", batch.Rejected)
	}
	if n := w.b.Chain().Nonce(poor.Addr); n != 0 {
		t.Fatalf("nonce of the dropped sender = %d, want 0", n)
	}
}

func TestTracerHooksAreHonoured(t *testing.T) {
	var enters, opcodes, txStarts, storageChanges int
	hooks := &tracing.Hooks{
		OnTxStart:       func(*tracing.VMContext, *types.Transaction, common.Address) { txStarts++ },
		OnEnter:         func(int, byte, common.Address, common.Address, []byte, uint64, *big.Int) { enters++ },
		OnOpcode:        func(uint64, byte, uint64, uint64, tracing.OpContext, []byte, int, error) { opcodes++ },
		OnStorageChange: func(common.Address, common.Hash, common.Hash, common.Hash) { storageChanges++ },
	}
	w := newWorld(t, booster.WithTracer(hooks))
	enters, opcodes, txStarts, storageChanges = 0, 0, 0, 0
	batch := w.run(w.callerTx("delegate", w.slots, pack(t, "Slots", "write", word(0), word(1))))
	requireSuccess(t, batch.Receipts[0])
	if txStarts != 1 || enters < 2 || opcodes == 0 || storageChanges != 1 {
		t.Fatalf("hooks saw %d tx starts, %d enters, %d opcodes, %d storage changes", txStarts, enters, opcodes, storageChanges)
	}
}

// failingSource fails every storage read after the first n.
type failingSource struct {
	l1.Source
	left int
}

var errBroken = errors.New("node unreachable")

func (s *failingSource) Storage(ctx context.Context, addr common.Address, slot common.Hash) (common.Hash, error) {
	if s.left == 0 {
		return common.Hash{}, errBroken
	}
	s.left--
	return s.Source.Storage(ctx, addr, slot)
}

func TestL1SourceFailureAbandonsBatch(t *testing.T) {
	w := newWorld(t)
	if err := w.b.SetL1Source(&failingSource{Source: w.l1.Source(t)}); err != nil {
		t.Fatal(err)
	}
	root := w.b.Chain().Head().Root
	if err := w.b.Submit(w.l1Tx(l1Call, w.counter, pack(t, "Counter", "increment"))); err != nil {
		t.Fatal(err)
	}
	_, err := w.b.ExecuteBatch(context.Background())
	if !errors.Is(err, l1.ErrSource) || !errors.Is(err, errBroken) {
		t.Fatalf("ExecuteBatch = %v, want l1.ErrSource wrapping the node's error", err)
	}
	if w.b.Pending() != 1 || w.b.Chain().Head().Root != root || w.b.Chain().Nonce(w.user.Addr) != w.user.Nonce-1 {
		t.Fatal("a failed batch changed the L2 state or dropped the queue")
	}
	if err := w.b.SetL1Source(w.l1.Source(t)); err != nil {
		t.Fatal(err)
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	if err != nil || len(batch.Receipts) != 1 {
		t.Fatalf("retry after the source recovered: %v", err)
	}
}
