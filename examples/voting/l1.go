package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// l1Chain is the simulated L1 and the few things the example does on it.
type l1Chain struct {
	backend *simulated.Backend
	client  simulated.Client
	chainID *big.Int
	config  *params.ChainConfig
}

// send signs and sends one transaction without mining it.
func (c *l1Chain) send(ctx context.Context, k *ecdsa.PrivateKey, to *common.Address, data []byte, gas uint64) (*types.Transaction, error) {
	nonce, err := c.client.PendingNonceAt(ctx, crypto.PubkeyToAddress(k.PublicKey))
	if err != nil {
		return nil, err
	}
	tx := types.MustSignNewTx(k, types.LatestSignerForChainID(c.chainID), &types.DynamicFeeTx{
		ChainID: c.chainID, Nonce: nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(100 * params.GWei),
		Gas: gas, To: to, Data: data,
	})
	if err := c.client.SendTransaction(ctx, tx); err != nil {
		return nil, fmt.Errorf("voting: send L1 transaction: %w", err)
	}
	return tx, nil
}

// receipt waits for a mined transaction's receipt (the simulated backend
// indexes in the background) and checks it succeeded.
func (c *l1Chain) receipt(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	var lastErr error
	for range 2500 {
		r, err := c.client.TransactionReceipt(ctx, hash)
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				return r, fmt.Errorf("voting: L1 transaction %s reverted", hash)
			}
			return r, nil
		}
		lastErr = err
		time.Sleep(2 * time.Millisecond)
	}
	return nil, fmt.Errorf("voting: receipt of %s: %w", hash, lastErr)
}

// deploy deploys a contract from its binding's metadata and constructor
// arguments.
func (c *l1Chain) deploy(ctx context.Context, k *ecdsa.PrivateKey, meta *bind.MetaData, ctorArgs []byte) (common.Address, error) {
	tx, err := c.send(ctx, k, nil, append(common.FromHex(meta.Bin), ctorArgs...), 9_000_000)
	if err != nil {
		return common.Address{}, err
	}
	c.backend.Commit()
	r, err := c.receipt(ctx, tx.Hash())
	if err != nil {
		return common.Address{}, err
	}
	return r.ContractAddress, nil
}

// voteDirect casts one direct L1 vote per voter, mines them, and returns
// the gas they used in total.
func (c *l1Chain) voteDirect(ctx context.Context, voting common.Address, voters []*ecdsa.PrivateKey, proposals int) (uint64, error) {
	v := bindings.NewVoting()
	txs := make([]*types.Transaction, len(voters))
	for i, k := range voters {
		tx, err := c.send(ctx, k, &voting, v.PackVote(big.NewInt(int64(i%proposals))), 200_000)
		if err != nil {
			return 0, err
		}
		txs[i] = tx
	}
	var total uint64
	mined := 0
	for blocks := 0; mined < len(txs); blocks++ {
		if blocks > len(txs) {
			return 0, fmt.Errorf("voting: %d direct votes still pending", len(txs)-mined)
		}
		c.backend.Commit()
		pending, err := c.client.PendingTransactionCount(ctx)
		if err != nil {
			return 0, err
		}
		mined = len(txs) - int(pending)
	}
	for _, tx := range txs {
		r, err := c.receipt(ctx, tx.Hash())
		if err != nil {
			return 0, err
		}
		total += r.GasUsed
	}
	return total, nil
}

// settler executes booster batches and settles them on L1.
type settler struct {
	chain    *l1Chain
	b        *booster.Booster
	contract common.Address
	config   *params.ChainConfig
	prover   booster.Prover
	opts     *bind.TransactOpts
}

// executeAndSettle runs the queued L2 transactions as one batch, settles it
// in one L1 transaction, and pins the booster to the L1 head after it.
func (s *settler) executeAndSettle(ctx context.Context) (*booster.Batch, booster.SettlementGas, error) {
	var none booster.SettlementGas
	batch, err := s.b.ExecuteBatch(ctx)
	if err != nil {
		return nil, none, err
	}
	if len(batch.Rejected) > 0 {
		return nil, none, fmt.Errorf("voting: L2 rejected %d transactions: %w", len(batch.Rejected), batch.Rejected[0].Err)
	}
	for _, r := range batch.Receipts {
		if r.Status != types.ReceiptStatusSuccessful {
			return nil, none, fmt.Errorf("voting: L2 transaction %s failed: %w", r.TxHash, r.Err)
		}
	}
	s.chain.backend.Commit() // the pinned block must be older than the head
	tx, err := booster.Settle(ctx, s.chain.client, s.opts, s.contract, batch, s.prover)
	if err != nil {
		return nil, none, err
	}
	s.chain.backend.Commit()
	r, err := s.chain.receipt(ctx, tx.Hash())
	if err != nil {
		return nil, none, err
	}
	gas, err := booster.ParseSettlementGas(tx, r)
	if err != nil {
		return nil, none, err
	}
	return batch, gas, s.refresh(ctx)
}

// refresh pins the booster to the L1 head.
func (s *settler) refresh(ctx context.Context) error {
	src, err := l1.NewSimulatedSourceConfig(ctx, s.chain.backend, s.config)
	if err != nil {
		return err
	}
	return s.b.SetL1Source(src)
}
