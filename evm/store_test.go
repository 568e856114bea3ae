package evm_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/evm"
)

// revertingInit is creation code that reverts with the word 42.
var revertingInit = []byte{
	byte(vm.PUSH1), 42, byte(vm.PUSH1), 0, byte(vm.MSTORE),
	byte(vm.PUSH1), 32, byte(vm.PUSH1), 0, byte(vm.REVERT),
}

func TestChainSurvivesReopen(t *testing.T) {
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("evm store test")))
	require.NoError(t, err)
	from := crypto.PubkeyToAddress(key.PublicKey)
	to := common.Address{0x42}
	dir := t.TempDir()
	cfg := func(db ethdb.Database) evm.Config {
		return evm.Config{
			ChainID:  big.NewInt(9),
			BaseFee:  big.NewInt(params.GWei),
			Genesis:  types.GenesisAlloc{from: {Balance: big.NewInt(params.Ether)}},
			Database: db,
		}
	}
	open := func() (*evm.Chain, ethdb.Database) {
		t.Helper()
		db, err := evm.OpenDatabase(dir)
		require.NoError(t, err)
		chain, err := evm.NewChain(cfg(db))
		require.NoError(t, err)
		return chain, db
	}
	sign := func(chain *evm.Chain, nonce uint64, to *common.Address, data []byte) *types.Transaction {
		return types.MustSignNewTx(key, chain.Signer(), &types.DynamicFeeTx{
			ChainID: big.NewInt(9), Nonce: nonce, GasFeeCap: big.NewInt(params.GWei), Gas: 100_000, To: to, Value: big.NewInt(1000), Data: data,
		})
	}
	seal := func(chain *evm.Chain, txs ...*types.Transaction) *types.Header {
		t.Helper()
		block, err := chain.NewBlock(view(t))
		require.NoError(t, err)
		for _, tx := range txs {
			_, err := block.Apply(context.Background(), tx)
			require.NoError(t, err)
		}
		h, err := block.Commit()
		require.NoError(t, err)
		return h
	}

	chain, db := open()
	transfer := sign(chain, 0, &to, nil)
	h1 := seal(chain, transfer)
	failing := sign(chain, 1, nil, revertingInit)
	h2 := seal(chain, failing)
	balance := chain.Balance(from)
	require.NoError(t, db.Close())

	chain, db = open()
	assert.Equal(t, h2.Hash(), chain.Head().Hash(), "head after reopening")
	assert.Equal(t, uint64(2), chain.Nonce(from))
	assert.Equal(t, balance, chain.Balance(from))
	assert.Equal(t, big.NewInt(1000), chain.Balance(to).ToBig())

	block := chain.BlockByNumber(2)
	require.NotNil(t, block)
	assert.Equal(t, h2.Hash(), block.Hash())
	require.Len(t, block.Transactions(), 1)
	assert.Equal(t, failing.Hash(), block.Transactions()[0].Hash())
	assert.Equal(t, types.DeriveSha(block.Transactions(), trie.NewStackTrie(nil)), block.TxHash(), "transactions root")
	assert.Equal(t, h1.Hash(), chain.BlockByHash(h1.Hash()).Hash())

	r, err := chain.Receipt(failing.Hash())
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.ErrorIs(t, r.Err, vm.ErrExecutionReverted, "the failure keeps its sentinel")
	assert.Equal(t, common.LeftPadBytes([]byte{42}, 32), r.ReturnData)
	assert.Equal(t, from, r.From)
	assert.Equal(t, types.ReceiptStatusFailed, r.Status)
	assert.Equal(t, h2.Hash(), r.BlockHash)
	assert.Equal(t, crypto.CreateAddress(from, 1), r.ContractAddress)
	assert.NotZero(t, r.GasUsed)

	_, at, ok := chain.Transaction(transfer.Hash())
	require.True(t, ok)
	assert.Equal(t, evm.TxLocation{BlockHash: h1.Hash(), BlockNumber: 1, Index: 0}, at)

	old, err := chain.StateAt(0)
	require.NoError(t, err)
	assert.Equal(t, uint64(0), old.GetNonce(from), "the genesis state stays readable")

	// A rewind reaches the disk too.
	require.NoError(t, chain.Rewind(1))
	require.NoError(t, db.Close())
	chain, db = open()
	defer db.Close()
	assert.Equal(t, h1.Hash(), chain.Head().Hash())
	assert.Nil(t, chain.BlockByNumber(2))
	assert.Nil(t, chain.BlockByHash(h2.Hash()))
	_, _, ok = chain.Transaction(failing.Hash())
	assert.False(t, ok, "a rewound transaction is no longer sealed")
	r, err = chain.Receipt(failing.Hash())
	require.NoError(t, err)
	assert.Nil(t, r)
	assert.Equal(t, uint64(1), chain.Nonce(from))
	h2b := seal(chain, sign(chain, 1, &to, nil))
	assert.Equal(t, uint64(2), h2b.Number.Uint64())
	assert.NotEqual(t, h2.Hash(), h2b.Hash())
}

func TestChainDatabaseRefusesAnotherGenesis(t *testing.T) {
	dir := t.TempDir()
	db, err := evm.OpenDatabase(dir)
	require.NoError(t, err)
	defer db.Close()
	_, err = evm.NewChain(evm.Config{ChainID: big.NewInt(9), Database: db})
	require.NoError(t, err)
	_, err = evm.NewChain(evm.Config{ChainID: big.NewInt(10), Database: db})
	require.ErrorIs(t, err, evm.ErrConfig)
	assert.Contains(t, err.Error(), "another chain")
}

func TestCommitWithFailingRecordKeepsTheChain(t *testing.T) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	chain, err := evm.NewChain(evm.Config{ChainID: big.NewInt(9), Genesis: types.GenesisAlloc{from: {Balance: big.NewInt(params.Ether)}}})
	require.NoError(t, err)
	head := chain.Head()
	block, err := chain.NewBlock(view(t))
	require.NoError(t, err)
	to := common.Address{1}
	tx := types.MustSignNewTx(key, chain.Signer(), &types.DynamicFeeTx{ChainID: big.NewInt(9), Gas: 21_000, To: &to, Value: big.NewInt(1)})
	_, err = block.Apply(context.Background(), tx)
	require.NoError(t, err)
	boom := errors.New("record refused")
	_, err = block.CommitWith(func(ethdb.KeyValueWriter, *types.Header) error { return boom })
	require.ErrorIs(t, err, boom)
	assert.Equal(t, head.Hash(), chain.Head().Hash())
	assert.Equal(t, uint64(0), chain.Nonce(from), "the failed commit's state is gone")
	_, _, ok := chain.Transaction(tx.Hash())
	assert.False(t, ok)
	_, err = chain.NewBlock(view(t))
	assert.NoError(t, err, "the chain takes a new block")
}
