package evm_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
)

func TestNewChainRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  evm.Config
	}{
		{"no chain id", evm.Config{}},
		{"zero chain id", evm.Config{ChainID: new(big.Int)}},
		{"negative base fee", evm.Config{ChainID: big.NewInt(1), BaseFee: big.NewInt(-1)}},
		{"negative genesis balance", evm.Config{ChainID: big.NewInt(1), Genesis: types.GenesisAlloc{{1}: {Balance: big.NewInt(-1)}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := evm.NewChain(c.cfg); !errors.Is(err, evm.ErrConfig) {
				t.Fatalf("NewChain = %v, want ErrConfig", err)
			}
		})
	}
}

func view(t *testing.T) *l1.View {
	t.Helper()
	src, err := l1.NewAllocSource(params.AllDevChainProtocolChanges, &types.Header{Number: big.NewInt(5), Difficulty: new(big.Int)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l1.NewView(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBlockLifecycle(t *testing.T) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	to := common.Address{0x42}
	chain, err := evm.NewChain(evm.Config{
		ChainID: big.NewInt(9),
		BaseFee: big.NewInt(params.GWei),
		Genesis: types.GenesisAlloc{from: {Balance: big.NewInt(params.Ether)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	transfer := func(nonce uint64) *types.Transaction {
		return types.MustSignNewTx(key, chain.Signer(), &types.DynamicFeeTx{
			ChainID: big.NewInt(9), Nonce: nonce, GasFeeCap: big.NewInt(params.GWei), Gas: 21_000, To: &to, Value: big.NewInt(1000),
		})
	}

	block, err := chain.NewBlock(view(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.NewBlock(view(t)); !errors.Is(err, evm.ErrConfig) {
		t.Fatalf("second open block: %v", err)
	}
	if _, err := block.Apply(context.Background(), transfer(0)); err != nil {
		t.Fatal(err)
	}
	block.Discard()
	if chain.Nonce(from) != 0 || chain.Balance(to).Sign() != 0 {
		t.Fatal("Discard kept the block's changes")
	}
	if _, err := block.Apply(context.Background(), transfer(0)); !errors.Is(err, evm.ErrBlockClosed) {
		t.Fatalf("Apply on a discarded block: %v", err)
	}

	block, _ = chain.NewBlock(view(t))
	r, err := block.Apply(context.Background(), transfer(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := block.Apply(context.Background(), transfer(0)); !errors.Is(err, evm.ErrRejected) {
		t.Fatalf("replay in the same block: %v", err)
	}
	header, err := block.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if header.Number.Uint64() != 1 || chain.Head().Hash() != header.Hash() || r.BlockHash != header.Hash() {
		t.Fatal("committed block is not the head, or receipts lack its hash")
	}
	if chain.Balance(to).Uint64() != 1000 || chain.Nonce(from) != 1 {
		t.Fatal("committed transfer not in the state")
	}
	// The sender paid 21,000 gas at 1 gwei.
	want := new(big.Int).Sub(big.NewInt(params.Ether), big.NewInt(1000+21_000*params.GWei))
	if chain.Balance(from).ToBig().Cmp(want) != 0 {
		t.Fatalf("sender balance %s, want %s", chain.Balance(from), want)
	}
	if _, err := block.Commit(); !errors.Is(err, evm.ErrBlockClosed) {
		t.Fatalf("second Commit: %v", err)
	}
}

// TestRewind seals three blocks of transfers, rewinds to block 1, and
// checks state, head and the ability to build on it again; rewinding past
// the head or with an open block fails and changes nothing.
func TestRewind(t *testing.T) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	to := common.Address{0x42}
	chain, err := evm.NewChain(evm.Config{ChainID: big.NewInt(9), Genesis: types.GenesisAlloc{from: {Balance: big.NewInt(params.Ether)}}})
	if err != nil {
		t.Fatal(err)
	}
	var heads []*types.Header
	for nonce := range uint64(3) {
		block, err := chain.NewBlock(view(t))
		if err != nil {
			t.Fatal(err)
		}
		tx := types.MustSignNewTx(key, chain.Signer(), &types.DynamicFeeTx{ChainID: big.NewInt(9), Nonce: nonce, Gas: 21_000, To: &to, Value: big.NewInt(1)})
		if _, err := block.Apply(context.Background(), tx); err != nil {
			t.Fatal(err)
		}
		h, err := block.Commit()
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, h)
	}
	if err := chain.Rewind(4); !errors.Is(err, evm.ErrRewind) || chain.Head().Hash() != heads[2].Hash() {
		t.Fatalf("Rewind past the head = %v, head %d", err, chain.Head().Number)
	}
	open, _ := chain.NewBlock(view(t))
	if err := chain.Rewind(1); !errors.Is(err, evm.ErrRewind) {
		t.Fatalf("Rewind with an open block = %v", err)
	}
	open.Discard()
	if err := chain.Rewind(1); err != nil {
		t.Fatal(err)
	}
	if chain.Head().Hash() != heads[0].Hash() || chain.Nonce(from) != 1 || chain.Balance(to).Uint64() != 1 {
		t.Fatalf("after Rewind(1): head %d, nonce %d, balance %d", chain.Head().Number, chain.Nonce(from), chain.Balance(to))
	}
	block, err := chain.NewBlock(view(t))
	if err != nil {
		t.Fatal(err)
	}
	h, err := block.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if h.Number.Uint64() != 2 || h.ParentHash != heads[0].Hash() {
		t.Fatalf("block after rewind: number %d, parent %s", h.Number, h.ParentHash)
	}
}
