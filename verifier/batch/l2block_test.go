package batch

import (
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// readerBlock is the L2 block of the block-reading batches: every value
// nonzero, so that a frame reading another is seen.
var readerBlock = L2Block{Time: 7, Coinbase: common.HexToAddress("0xc0ffee00000000000000000000000000000000c0"), GasLimit: 1 << 30, BaseFee: big.NewInt(10)}

// readerTx is one transaction of a block-reading batch and the gas price
// its frame runs with.
type readerTx struct {
	tx    types.TxData
	price int64
}

// readerTxs are transactions of every kind the segments prove, with the
// gas price each pays in readerBlock (base fee 10): a dynamic-fee one
// bound by its tip (10 + 3), one bound by its fee cap (25 < 10 + 20), an
// EIP-155 legacy one and an access-list one (their gas price).
func readerTxs() []readerTx {
	to := target
	return []readerTx{
		{&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(3), GasFeeCap: big.NewInt(25), Gas: 100_000, To: &to}, 13},
		{&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(20), GasFeeCap: big.NewInt(25), Gas: 100_000, To: &to}, 25},
		{&types.LegacyTx{GasPrice: big.NewInt(12), Gas: 100_000, To: &to}, 12},
		{&types.AccessListTx{ChainID: l2Chain, GasPrice: big.NewInt(11), Gas: 100_000, To: &to}, 11},
	}
}

// readerBatch signs txs from alice (nonces in order) and traces each
// one's frame: blockReaderCode at target, over the storage the frame
// before left, in block (number 1) with the transaction's gas price, or
// in the context ctx(i, honest) gives where ctx is set. It returns the
// header of that batch in block, its transactions and their executions.
func readerBatch(t *testing.T, block L2Block, txs []readerTx, ctx func(i int, c *trace.Context)) (*Header, []*types.Transaction, []*trace.Transaction) {
	t.Helper()
	signer := types.LatestSignerForChainID(l2Chain)
	var signed []*types.Transaction
	var execs []*trace.Transaction
	storage := map[common.Hash]common.Hash{}
	for i, r := range txs {
		switch tx := r.tx.(type) {
		case *types.DynamicFeeTx:
			tx.Nonce = uint64(i)
		case *types.LegacyTx:
			tx.Nonce = uint64(i)
		case *types.AccessListTx:
			tx.Nonce = uint64(i)
		}
		signed = append(signed, types.MustSignNewTx(testKey(t, "alice"), signer, r.tx))
		c := block.context(l2Chain, 1, big.NewInt(r.price))
		if ctx != nil {
			ctx(i, &c)
		}
		tr, err := trace.Run(trace.Call{Code: blockReaderCode, Storage: storage, Address: target, Caller: alice, Context: &c})
		require.NoError(t, err)
		for _, sl := range tr.Storage {
			storage[sl.Key] = sl.Final
		}
		execs = append(execs, single(tr))
	}
	sigs, err := Signatures(signed)
	require.NoError(t, err)
	h := &Header{L1ChainID: big.NewInt(1337), ChainID: l2Chain, Number: 1, Transactions: TransactionsCommitment(block, sigs), L2Block: block,
		ReadsHash: noL1.ReadsHash(), WritesHash: noL1.WritesHash()}
	return h, signed, execs
}

// firstTx is the index of the first transaction segment.
func firstTx(segs []SegmentWitness) []int {
	return []int{slices.IndexFunc(segs, func(s SegmentWitness) bool { return s.Kind == KindTransaction })}
}

// TestL2BlockContext checks the L2 block context the batch binds: every
// L2 frame runs in the header's L2 block (its number, the L2 chain id,
// no PREVRANDAO, and the time, coinbase, gas limit and base fee the
// transactions commitment starts from), which it reads from the header
// segment through the storage argument. The honest batch solves; a frame
// that read another value of any of them is refused by Witnesses and,
// built anyway, by the last end segment only; so is a header whose L2
// block is not the one its transactions commitment binds.
func TestL2BlockContext(t *testing.T) {
	t.Run("the batch's block", func(t *testing.T) {
		h, txs, execs := readerBatch(t, readerBlock, readerTxs(), nil)
		segs, err := witnessesFor(h, noL1, txs, execs, capacity)
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindTransaction, KindFrame, KindTransaction, KindFrame, KindTransaction, KindFrame, KindEnd}, kindsOf(segs))
		require.Empty(t, solveAll(t, capacity, segs))
	})
	tests := []struct {
		name   string
		change func(c *trace.Context)
	}{
		{"another time", func(c *trace.Context) { c.Timestamp++ }},
		{"another coinbase", func(c *trace.Context) { c.Coinbase[0] ^= 1 }},
		{"another block number", func(c *trace.Context) { c.Number++ }},
		{"a PREVRANDAO", func(c *trace.Context) { c.PrevRandao[31] = 1 }},
		{"another gas limit", func(c *trace.Context) { c.GasLimit++ }},
		{"another chain id", func(c *trace.Context) { c.ChainID.AddUint64(&c.ChainID, 1) }},
		{"another base fee", func(c *trace.Context) { c.BaseFee.AddUint64(&c.BaseFee, 1) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, txs, execs := readerBatch(t, readerBlock, readerTxs()[:1], func(_ int, c *trace.Context) { tc.change(c) })
			requireRefusedAsBuilt(t, h, noL1, txs, execs, capacity, &faults{l2Block: true}, lastEnd)
		})
	}
	t.Run("a block the commitment does not bind", func(t *testing.T) {
		// The frames run in the block the header names, whose
		// transactions commitment starts from another block's values.
		claimed := readerBlock
		claimed.Time++
		h, txs, execs := readerBatch(t, claimed, readerTxs()[:1], nil)
		sigs, err := Signatures(txs)
		require.NoError(t, err)
		h.Transactions = TransactionsCommitment(readerBlock, sigs)
		requireRefusedAsBuilt(t, h, noL1, txs, execs, capacity, &faults{commitment: true}, lastEnd)
	})
}

// TestGasPrice checks GASPRICE in L2 frames: each frame runs with its
// transaction's effective gas price, which the transaction segment
// computes from the signed fees and the L2 block's base fee and hands to
// the frame with its context. A frame that read another price, built
// anyway, is refused by its transaction's segment only; so are fees no
// block of the base fee holds (a fee cap below it, a tip above the fee
// cap) and fees of 2^128 wei or more, which Witnesses refuses.
func TestGasPrice(t *testing.T) {
	for i, r := range readerTxs() {
		t.Run(fmt.Sprintf("transaction %d claims another price", i), func(t *testing.T) {
			claimed := big.NewInt(r.price + 1)
			h, txs, execs := readerBatch(t, readerBlock, []readerTx{r}, func(_ int, c *trace.Context) { c.GasPrice = *uint256.MustFromBig(claimed) })
			requireRefusedAsBuilt(t, h, noL1, txs, execs, capacity, &faults{gasPrice: func(int) *big.Int { return claimed }}, firstTx)
		})
	}
	to := target
	huge := new(big.Int).Lsh(big.NewInt(1), 128)
	bad := []struct {
		name  string
		tx    readerTx
		isErr error
	}{
		{"a fee cap below the base fee", readerTx{&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(9), Gas: 100_000, To: &to}, 9}, ErrStatement},
		{"a gas price below the base fee", readerTx{&types.LegacyTx{GasPrice: big.NewInt(9), Gas: 100_000, To: &to}, 9}, ErrStatement},
		{"a tip above the fee cap", readerTx{&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(26), GasFeeCap: big.NewInt(25), Gas: 100_000, To: &to}, 25}, ErrStatement},
		{"a gas price of 2^128", readerTx{&types.LegacyTx{GasPrice: huge, Gas: 100_000, To: &to}, 0}, verifier.ErrUnsupported},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			price := big.NewInt(tc.tx.price)
			if tc.tx.price == 0 {
				price = huge
			}
			h, txs, execs := readerBatch(t, readerBlock, []readerTx{tc.tx}, func(_ int, c *trace.Context) { c.GasPrice = *uint256.MustFromBig(price) })
			_, err := witnessesFor(h, noL1, txs, execs, capacity)
			require.ErrorIs(t, err, tc.isErr)
			segs, err := faultyWitnesses(h, noL1, txs, execs, capacity, &faults{gasPrice: func(int) *big.Int { return price }})
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(firstTx(segs)), fmt.Sprint(solveAll(t, capacity, segs)))
		})
	}
	t.Run("a base fee of 2^128", func(t *testing.T) {
		block := readerBlock
		block.BaseFee = huge
		h, txs, execs := readerBatch(t, block, readerTxs()[2:3], nil)
		_, err := witnessesFor(h, noL1, txs, execs, capacity)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
	})
}

// TestEffectiveGasPrice checks effectiveGasPrice against prices worked
// out by hand from the EIP-1559 rule: min(fee cap, base fee + tip) for a
// dynamic-fee transaction, the gas price for the others, a fee cap (or
// gas price) below the base fee and a tip above the fee cap refused as
// go-ethereum refuses them, and fees of 2^128 wei refused by name.
func TestEffectiveGasPrice(t *testing.T) {
	signer := types.LatestSignerForChainID(l2Chain)
	to := target
	huge := new(big.Int).Lsh(big.NewInt(1), 128)
	tests := []struct {
		name    string
		tx      types.TxData
		baseFee int64
		want    int64 // the price, when wantErr is nil
		wantErr error
	}{
		{"dynamic fee, base fee 0: the tip", &types.DynamicFeeTx{GasTipCap: big.NewInt(3), GasFeeCap: big.NewInt(25)}, 0, 3, nil},
		{"dynamic fee: base fee and tip", &types.DynamicFeeTx{GasTipCap: big.NewInt(3), GasFeeCap: big.NewInt(25)}, 13, 16, nil},
		{"dynamic fee: the fee cap bounds base fee and tip", &types.DynamicFeeTx{GasTipCap: big.NewInt(20), GasFeeCap: big.NewInt(25)}, 10, 25, nil},
		{"dynamic fee: fee cap equal to the base fee", &types.DynamicFeeTx{GasTipCap: big.NewInt(3), GasFeeCap: big.NewInt(25)}, 25, 25, nil},
		{"dynamic fee: fee cap below the base fee", &types.DynamicFeeTx{GasTipCap: big.NewInt(3), GasFeeCap: big.NewInt(25)}, 26, 0, ErrStatement},
		{"dynamic fee: tip above the fee cap", &types.DynamicFeeTx{GasTipCap: big.NewInt(30), GasFeeCap: big.NewInt(25)}, 10, 0, ErrStatement},
		{"dynamic fee: fee cap of 2^128", &types.DynamicFeeTx{GasTipCap: big.NewInt(3), GasFeeCap: huge}, 10, 0, verifier.ErrUnsupported},
		{"legacy: its gas price", &types.LegacyTx{GasPrice: big.NewInt(12)}, 10, 12, nil},
		{"legacy: gas price below the base fee", &types.LegacyTx{GasPrice: big.NewInt(12)}, 13, 0, ErrStatement},
		{"access list: its gas price", &types.AccessListTx{GasPrice: big.NewInt(11)}, 0, 11, nil},
		{"access list: gas price below the base fee", &types.AccessListTx{GasPrice: big.NewInt(11)}, 25, 0, ErrStatement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch tx := tt.tx.(type) {
			case *types.DynamicFeeTx:
				tx.ChainID, tx.Gas, tx.To = l2Chain, 100_000, &to
			case *types.LegacyTx:
				tx.Gas, tx.To = 100_000, &to
			case *types.AccessListTx:
				tx.ChainID, tx.Gas, tx.To = l2Chain, 100_000, &to
			}
			got, err := effectiveGasPrice(types.MustSignNewTx(testKey(t, "alice"), signer, tt.tx), big.NewInt(tt.baseFee))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, big.NewInt(tt.want), got)
		})
	}
}
