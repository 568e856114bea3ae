package batch

import (
	"fmt"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// l1Target is the L1 contract of the lists tests: it reads slot 2, then
// stores 7 at slot 1.
var (
	l1Target     = common.HexToAddress("0x00000000000000000000000000000000000000e1")
	l1TargetCode = common.FromHex("6002545060076001" + "5500")
	// l1Caller is L2 code that calls L1CALL with l1Target and no
	// calldata as input.
	l1Caller = common.HexToAddress("0x00000000000000000000000000000000000000e2")
)

// l1CallerCode stores l1Target left-aligned at memory 0 and calls L1CALL
// with those 20 bytes.
func l1CallerCode() []byte {
	code := []byte{0x7f}
	code = append(code, l1Target[:]...)
	code = append(code, make([]byte, 12)...)
	code = append(code, 0x60, 0, 0x52) // MSTORE at 0
	code = append(code, 0x60, 0, 0x60, 0, 0x60, 20, 0x60, 0, 0x60, 0, 0x61, 0x10, 0x00, 0x5a, 0xf1, 0x50, 0x00)
	return code
}

// l1Batch is a transaction whose L2 frame makes an L1CALL into l1Target
// (slot 1 = 3 and slot 2 = 5 before it), as the booster would record
// it: the L1 frame called by the aliased caller (no account is at
// l1Caller on L1) for alice. It returns the execution and the L1 lists
// the batch has.
func l1Batch(t *testing.T) (*trace.Transaction, *L1Lists) {
	t.Helper()
	return l1BatchCalledBy(t, precompiles.Alias(l1Caller))
}

// l1BatchCalledBy is l1Batch with the L1 frame called by caller.
func l1BatchCalledBy(t *testing.T, caller common.Address) (*trace.Transaction, *L1Lists) {
	t.Helper()
	ctx := l2Context
	l2, err := trace.Run(trace.Call{Code: l1CallerCode(), Address: l1Caller, Caller: alice, Context: &ctx})
	require.NoError(t, err)
	require.Len(t, l2.Calls, 1)
	l1, err := trace.Run(trace.Call{Code: l1TargetCode, Address: l1Target, Caller: caller,
		Storage: map[common.Hash]common.Hash{common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(3)), common.BigToHash(big.NewInt(2)): common.BigToHash(big.NewInt(5))}})
	require.NoError(t, err)
	l1.Origin = alice // the L1 frame's tx.origin is the L2 sender (SPEC §1); the code does not read it
	exec := &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: l1, Parent: 0, Call: 0, L1: true}}}
	slot := func(s, v int64) L1Slot {
		return L1Slot{Contract: l1Target, Slot: common.BigToHash(big.NewInt(s)), Value: common.BigToHash(big.NewInt(v))}
	}
	return exec, &L1Lists{Reads: []L1Slot{slot(1, 3), slot(2, 5)}, Writes: []L1Slot{slot(1, 7)},
		Code: []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(l1TargetCode)}, {Contract: l1Caller}}, Balances: []BalanceRead{{Account: common.HexToAddress("0xba"), Balance: big.NewInt(1e18)}},
		Block: pinnedHeader(20, 1_700_000_000, 30_000_000, big.NewInt(7), nil)}
}

// listsCapacity holds the lists tests' batches: lists of two slots.
var listsCapacity = Capacity{Calldata: dataCap, Frame: callShape, Slots: 2, L1Slots: 2}

// headerFor is a header of a batch holding txs and committing to l1.
func headerFor(t *testing.T, txs []*types.Transaction, l1 *L1Lists) *Header {
	t.Helper()
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	h := &Header{L1ChainID: big.NewInt(1337), ChainID: l2Chain, Number: 1, Transactions: TransactionsCommitment(testL2Block, sigs), L2Block: testL2Block, ReadsHash: l1.ReadsHash(), WritesHash: l1.WritesHash()}
	if l1.Block != nil {
		h.L1BlockNumber, h.L1BlockHash = l1.Block.Number.Uint64(), l1.Block.Hash()
	}
	return h
}

// TestL1Lists checks that the header segment opens the read set and the
// write list the header commits to, and that the storage argument ties
// them to the L1 slots the frames touched: the honest lists solve; each
// wrong list, committed to by its header and built anyway, is refused by
// the last end segment (or, where the records are not the header's, by
// the header segment), every other segment solving.
func TestL1Lists(t *testing.T) {
	exec, honest := l1Batch(t)
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	execs := []*trace.Transaction{exec}
	slot := func(s, v int64) L1Slot {
		return L1Slot{Contract: l1Target, Slot: common.BigToHash(big.NewInt(s)), Value: common.BigToHash(big.NewInt(v))}
	}
	with := func(change func(l *L1Lists)) *L1Lists {
		l := *honest
		l.Reads = append([]L1Slot(nil), honest.Reads...)
		l.Writes = append([]L1Slot(nil), honest.Writes...)
		l.Code = append([]CodeRead(nil), honest.Code...)
		change(&l)
		return &l
	}
	t.Run("the batch's lists", func(t *testing.T) {
		segs, err := witnessesFor(headerFor(t, txs, honest), honest, txs, execs, listsCapacity)
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindCode, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
		require.Empty(t, solveAll(t, listsCapacity, segs))
	})
	wrong := []struct {
		name  string
		lists *L1Lists
	}{
		{"a read of another value", with(func(l *L1Lists) { l.Reads[1] = slot(2, 6) })},
		{"a read left out", with(func(l *L1Lists) { l.Reads = l.Reads[:1] })},
		{"a read of a slot the frames did not touch", with(func(l *L1Lists) { l.Reads[1] = slot(3, 5) })},
		{"a write of another value", with(func(l *L1Lists) { l.Writes[0] = slot(1, 8) })},
		{"a write left out", with(func(l *L1Lists) { l.Writes = nil })},
		{"a write the batch did not make", with(func(l *L1Lists) { l.Writes = append(l.Writes, slot(2, 9)) })},
		{"a write listed twice", with(func(l *L1Lists) { l.Writes = append(l.Writes, l.Writes[0]) })},
		{"an L1 frame's code other than its code read's", with(func(l *L1Lists) { l.Code[0].CodeHash[0] ^= 1 })},
	}
	for _, tc := range wrong {
		t.Run(tc.name, func(t *testing.T) {
			h := headerFor(t, txs, tc.lists)
			_, err := witnessesFor(h, tc.lists, txs, execs, listsCapacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := faultyWitnesses(h, tc.lists, txs, execs, listsCapacity, &faults{lists: true, code: true})
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(lastEnd(segs)), fmt.Sprint(solveAll(t, listsCapacity, segs)))
		})
	}
	header := func(t *testing.T) (SegmentWitness, *headerSegment) {
		segs, err := witnessesFor(headerFor(t, txs, honest), honest, txs, execs, listsCapacity)
		require.NoError(t, err)
		return segs[0], segs[0].Assignment.(*headerSegment)
	}
	circuits, err := Circuits(listsCapacity)
	require.NoError(t, err)
	notTheHeaders := []struct {
		name   string
		change func(a *headerSegment)
	}{
		{"a read record other than the header's", func(a *headerSegment) { a.Reads[1][95] = 6 }},
		{"a write record other than the header's", func(a *headerSegment) { a.Writes[0][95] = 8 }},
		{"fewer reads than the header's", func(a *headerSegment) { a.NReads = 1 }},
		{"more writes than the header's", func(a *headerSegment) { a.NWrites = 2 }},
		{"more reads than the capacity", func(a *headerSegment) { a.NReads = 3 }},
		{"a code read other than the header's", func(a *headerSegment) { a.Code[0][63] = a.Code[0][63].(byte) ^ 1 }},
		{"more code reads than the header's", func(a *headerSegment) { a.NCode = 3 }},
		{"a balance read other than the header's", func(a *headerSegment) { a.Balance[0][63] = a.Balance[0][63].(byte) ^ 1 }},
		{"more balance reads than the header's", func(a *headerSegment) { a.NBalance = 2 }},
		{"more balance reads than the capacity", func(a *headerSegment) { a.NBalance = 3 }},
		{"a balance read's account above 160 bits", func(a *headerSegment) { a.Balance[0][11] = 1 }},
		{"a contract word above 160 bits", func(a *headerSegment) { a.Reads[0][11] = 1 }},
	}
	for _, tc := range notTheHeaders {
		t.Run(tc.name, func(t *testing.T) {
			s, a := header(t)
			tc.change(a)
			require.Error(t, solveOn(circuits, s))
		})
	}
	t.Run("the header segment as built", func(t *testing.T) {
		s, _ := header(t)
		require.NoError(t, solveOn(circuits, s))
	})
	t.Run("lists above the capacity", func(t *testing.T) {
		l := with(func(l *L1Lists) { l.Reads = append(l.Reads, slot(3, 1)) })
		_, err := witnessesFor(headerFor(t, txs, l), l, txs, execs, listsCapacity)
		require.ErrorIs(t, err, verifier.ErrCapacity)
	})
	t.Run("lists other than the header's", func(t *testing.T) {
		_, err := witnessesFor(headerFor(t, txs, honest), with(func(l *L1Lists) { l.Balances = []BalanceRead{{Account: l.Balances[0].Account, Balance: big.NewInt(2)}} }), txs, execs, listsCapacity)
		require.ErrorIs(t, err, ErrStatement)
		_, err = witnessesFor(headerFor(t, txs, honest), with(func(l *L1Lists) { l.Writes = nil }), txs, execs, listsCapacity)
		require.ErrorIs(t, err, ErrStatement)
	})
}

// TestRecordsHash checks the flat encoding the booster contract hashes:
// three words per record, the contract left-padded.
func TestRecordsHash(t *testing.T) {
	r := L1Slot{Contract: common.HexToAddress("0x00000000000000000000000000000000000000e1"), Slot: common.Hash{31: 1}, Value: common.Hash{31: 7}}
	require.Equal(t, common.HexToHash("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"), RecordsHash(nil), "keccak256 of nothing")
	enc := append(common.LeftPadBytes(r.Contract[:], 32), append(r.Slot[:], r.Value[:]...)...)
	require.Len(t, enc, recordBytes)
	require.Equal(t, crypto.Keccak256Hash(enc), RecordsHash([]L1Slot{r}))
	require.NotEqual(t, RecordsHash([]L1Slot{r, r}), RecordsHash([]L1Slot{r}))
}

// TestBalanceReadsHash checks the balance reads' hash against go-ethereum's
// ABI encoding of the booster contract's BalanceRead[] (address, uint256),
// as Booster.batchHash hashes it.
func TestBalanceReadsHash(t *testing.T) {
	typ, err := abi.NewType("tuple[]", "", []abi.ArgumentMarshaling{{Name: "account", Type: "address"}, {Name: "balance", Type: "uint256"}})
	require.NoError(t, err)
	type read struct {
		Account common.Address
		Balance *big.Int
	}
	for _, reads := range [][]BalanceRead{nil, {{Account: common.HexToAddress("0xba"), Balance: big.NewInt(1e18)}},
		{{Account: common.HexToAddress("0x01")}, {Account: common.HexToAddress("0x02"), Balance: new(big.Int).Lsh(big.NewInt(1), 255)}}} {
		args := []read{}
		for _, r := range reads {
			args = append(args, read{r.Account, orZero(r.Balance)})
		}
		enc, err := abi.Arguments{{Type: typ}}.Pack(args)
		require.NoError(t, err)
		l := &L1Lists{Balances: reads}
		require.Equal(t, crypto.Keccak256Hash(enc), l.BalanceReadsHash(), "%d reads", len(reads))
	}
}
