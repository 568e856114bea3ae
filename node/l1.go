package node

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	gethnode "github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// L1Client is what the node needs from an L1 JSON-RPC connection:
// *ethclient.Client and the simulated backend's client both offer it.
type L1Client interface {
	bind.ContractBackend
	l1.StateClient
	TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error)
	ChainID(ctx context.Context) (*big.Int, error)
}

// l1Chain is the L1 the node settles on: a client, the chain's rules, and
// how the node pins a block of it.
type l1Chain struct {
	client L1Client
	config *params.ChainConfig
	close  func() error
	// rpc is the JSON-RPC connection of a dialled L1, whose answers the
	// node checks with eth_getProof; nil for the embedded L1, which it
	// trusts (it runs in the same process).
	rpc *rpc.Client
}

// prefetcher is a source that proves many slots at once.
type prefetcher interface {
	Prefetch(ctx context.Context, addr common.Address, slots []common.Hash) error
}

// pin returns a source pinned to the L1 head.
func (c *l1Chain) pin(ctx context.Context) (l1.Source, error) {
	if c.rpc != nil {
		src, err := l1.NewProofSource(ctx, c.rpc, c.config, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrL1, err)
		}
		return src, nil
	}
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: L1 head: %w", ErrL1, err)
	}
	return l1.NewClientSource(c.client, c.config, head)
}

// waitPast waits until the L1 head is past block number (the booster
// contract checks the pinned block's hash, which only later blocks know).
func (c *l1Chain) waitPast(ctx context.Context, number uint64) error {
	for {
		head, err := c.client.HeaderByNumber(ctx, nil)
		if err != nil {
			return fmt.Errorf("%w: L1 head: %w", ErrL1, err)
		}
		if head.Number.Uint64() > number {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// receipt waits for a transaction's receipt.
func (c *l1Chain) receipt(ctx context.Context, hash common.Hash, timeout time.Duration) (*types.Receipt, error) {
	deadline := time.Now().Add(timeout)
	for {
		r, err := c.client.TransactionReceipt(ctx, hash)
		if err == nil && r != nil {
			return r, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: no receipt for %s after %s: %v", ErrL1, hash, timeout, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dialL1 connects to an L1 JSON-RPC endpoint whose chain runs config's
// rules, checking that the chain ids agree.
func dialL1(ctx context.Context, url string, config *params.ChainConfig) (*l1Chain, error) {
	conn, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%w: dial %s: %w", ErrL1, url, err)
	}
	client := ethclient.NewClient(conn)
	id, err := client.ChainID(ctx)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("%w: chain id of %s: %w", ErrL1, url, err)
	}
	if config.ChainID != nil && config.ChainID.Cmp(id) != 0 {
		client.Close()
		return nil, fmt.Errorf("%w: %s has chain id %s, the L1 rules given are chain %s's", ErrConfig, url, id, config.ChainID)
	}
	cfg := *config
	cfg.ChainID = id
	return &l1Chain{client: client, config: &cfg, rpc: conn, close: func() error { client.Close(); return nil }}, nil
}

// embeddedL1 is go-ethereum's simulated backend, mining a block every
// period, with the booster contract and the development verifier
// deployed.
type embeddedL1 struct {
	*l1Chain
	backend *simulated.Backend
	stop    chan struct{}
	done    sync.WaitGroup
	// commit serialises mining with the deployments.
	commit sync.Mutex
}

// Embedded L1 facts: the funded account that deploys and settles, and the
// development verifier's signer. Both keys are derived from fixed strings:
// the embedded L1 is for development only.
var (
	embeddedOperatorKey = mustKey("go-booster embedded L1 operator")
	embeddedDevKey      = mustKey("go-booster embedded L1 development verifier")
)

func mustKey(seed string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(seed)))
	if err != nil {
		panic(err)
	}
	return k
}

// startEmbeddedL1 starts the simulated L1 with funded accounts (the
// operator's and those in funded) and deploys the development verifier
// and the booster contract for chain l2ChainID, whose L2 genesis has the
// state commitment l2Genesis.
func startEmbeddedL1(ctx context.Context, l2ChainID *big.Int, l2Genesis common.Hash, period time.Duration, funded []common.Address) (*embeddedL1, common.Address, error) {
	config := l1.OsakaConfig()
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(embeddedOperatorKey.PublicKey): {Balance: new(big.Int).Mul(big.NewInt(params.Ether), big.NewInt(1_000_000))}}
	for _, a := range funded {
		alloc[a] = types.Account{Balance: new(big.Int).Mul(big.NewInt(params.Ether), big.NewInt(1_000))}
	}
	backend := simulated.NewBackend(alloc, l1.SimulatedConfig(config), func(n *gethnode.Config, _ *ethconfig.Config) {
		n.HTTPHost, n.WSHost = "", ""
	})
	e := &embeddedL1{
		l1Chain: &l1Chain{client: backend.Client(), config: config},
		backend: backend,
		stop:    make(chan struct{}),
	}
	e.l1Chain.close = e.shutdown
	devSigner := crypto.PubkeyToAddress(embeddedDevKey.PublicKey)
	verifier, err := e.deploy(ctx, common.FromHex(bindings.DevBatchVerifierMetaData.Bin), bindings.NewDevBatchVerifier().PackConstructor(devSigner))
	if err != nil {
		backend.Close()
		return nil, common.Address{}, err
	}
	contract, err := e.deploy(ctx, common.FromHex(bindings.BoosterMetaData.Bin), bindings.NewBooster().PackConstructor(verifier, l2ChainID, l2Genesis))
	if err != nil {
		backend.Close()
		return nil, common.Address{}, err
	}
	if period <= 0 {
		period = time.Second
	}
	e.done.Add(1)
	go e.mine(period)
	return e, contract, nil
}

// deploy sends a contract creation from the operator and mines it.
func (e *embeddedL1) deploy(ctx context.Context, code, args []byte) (common.Address, error) {
	from := crypto.PubkeyToAddress(embeddedOperatorKey.PublicKey)
	nonce, err := e.client.PendingNonceAt(ctx, from)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %w", ErrL1, err)
	}
	head, err := e.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %w", ErrL1, err)
	}
	create := types.MustSignNewTx(embeddedOperatorKey, types.LatestSignerForChainID(e.config.ChainID), &types.DynamicFeeTx{
		ChainID: e.config.ChainID, Nonce: nonce, GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), big.NewInt(params.GWei)),
		Gas:       8_000_000, Data: append(common.CopyBytes(code), args...),
	})
	if err := e.client.SendTransaction(ctx, create); err != nil {
		return common.Address{}, fmt.Errorf("%w: deploy: %w", ErrL1, err)
	}
	e.commit.Lock()
	e.backend.Commit()
	e.commit.Unlock()
	r, err := e.receipt(ctx, create.Hash(), 10*time.Second)
	if err != nil {
		return common.Address{}, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return common.Address{}, fmt.Errorf("%w: deployment %s reverted", ErrL1, create.Hash())
	}
	return r.ContractAddress, nil
}

func (e *embeddedL1) mine(period time.Duration) {
	defer e.done.Done()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.commit.Lock()
			e.backend.Commit()
			e.commit.Unlock()
		}
	}
}

func (e *embeddedL1) shutdown() error {
	close(e.stop)
	e.done.Wait()
	return e.backend.Close()
}
