package l1

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// Account is an L1 account as the pinned block holds it.
type Account struct {
	Nonce    uint64
	Balance  *uint256.Int
	Code     []byte
	CodeHash common.Hash // keccak256 of Code
}

// exists reports whether the account is non-empty in the EIP-161 sense.
func (a *Account) exists() bool {
	return a.Nonce != 0 || !a.Balance.IsZero() || len(a.Code) != 0
}

// Source reads L1 state at one pinned block. Implementations must be safe
// for concurrent use.
type Source interface {
	// Header returns the header of the pinned block.
	Header() *types.Header
	// ChainConfig returns the L1 chain's configuration, which decides the
	// EVM rules L1 code runs under.
	ChainConfig() *params.ChainConfig
	// Account returns the account at the pinned block; an absent account is
	// returned with zero nonce, zero balance and no code.
	Account(ctx context.Context, addr common.Address) (*Account, error)
	// Storage returns one storage slot at the pinned block.
	Storage(ctx context.Context, addr common.Address, slot common.Hash) (common.Hash, error)
	// HeaderByHash returns an ancestor header, for BLOCKHASH.
	HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error)
}

// StateClient is what a JSON-RPC L1 client must offer; *ethclient.Client and
// the simulated backend's client both do.
type StateClient interface {
	StorageAt(ctx context.Context, account common.Address, key common.Hash, blockNumber *big.Int) ([]byte, error)
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error)
}

// NewClientSource pins a client to the block with the given header. config
// is the L1 chain's configuration (params.MainnetChainConfig for mainnet).
// The source caches every answer it gets.
// It trusts the client's answers, which suits a node in the same process
// (a simulated backend); for a node you do not run, use NewProofSource,
// which checks each one with eth_getProof.
func NewClientSource(client StateClient, config *params.ChainConfig, pinned *types.Header) (Source, error) {
	if pinned == nil || pinned.Number == nil {
		return nil, ErrNoHeader
	}
	if config == nil {
		return nil, fmt.Errorf("l1: nil chain config")
	}
	return &clientSource{
		client:   client,
		config:   config,
		header:   types.CopyHeader(pinned),
		number:   new(big.Int).Set(pinned.Number),
		accounts: make(map[common.Address]*Account),
		storage:  make(map[storageKey]common.Hash),
	}, nil
}

// NewSimulatedSource pins the latest committed block of a go-ethereum
// simulated backend that runs its default rules
// (params.AllDevChainProtocolChanges). Commit a block after the last L1
// transaction the batch must see, then call this.
func NewSimulatedSource(ctx context.Context, backend *simulated.Backend) (Source, error) {
	return NewSimulatedSourceConfig(ctx, backend, params.AllDevChainProtocolChanges)
}

// NewSimulatedSourceConfig is NewSimulatedSource for a simulated backend
// started with another chain configuration (see SimulatedConfig).
func NewSimulatedSourceConfig(ctx context.Context, backend *simulated.Backend, config *params.ChainConfig) (Source, error) {
	client := backend.Client()
	header, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: latest header: %w", ErrSource, err)
	}
	return NewClientSource(client, config, header)
}

// OsakaConfig returns the simulated backend's default chain configuration
// with only the forks Ethereum mainnet runs, up to Osaka: go-ethereum's
// default also turns on Bogota, whose state-growth pricing (EIP-8037)
// makes a new storage slot cost several times what it costs on mainnet.
// Use it where L1 gas figures should mean what they mean on mainnet.
func OsakaConfig() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.AmsterdamTime, c.BogotaTime = nil, nil
	return &c
}

// SimulatedConfig is a simulated.NewBackend option that starts the chain
// with config instead of the default; pin it with NewSimulatedSourceConfig
// and the same config.
func SimulatedConfig(config *params.ChainConfig) func(*node.Config, *ethconfig.Config) {
	return func(_ *node.Config, eth *ethconfig.Config) {
		eth.Genesis.Config = config
	}
}

type storageKey struct {
	addr common.Address
	slot common.Hash
}

type clientSource struct {
	client StateClient
	config *params.ChainConfig
	header *types.Header
	number *big.Int

	mu       sync.Mutex
	accounts map[common.Address]*Account
	storage  map[storageKey]common.Hash
	headers  headerCache
}

func (s *clientSource) Header() *types.Header            { return s.header }
func (s *clientSource) ChainConfig() *params.ChainConfig { return s.config }

func (s *clientSource) Account(ctx context.Context, addr common.Address) (*Account, error) {
	s.mu.Lock()
	acct, ok := s.accounts[addr]
	s.mu.Unlock()
	if ok {
		return acct, nil
	}
	nonce, err := s.client.NonceAt(ctx, addr, s.number)
	if err != nil {
		return nil, fmt.Errorf("%w: nonce of %s: %w", ErrSource, addr, err)
	}
	balance, err := s.client.BalanceAt(ctx, addr, s.number)
	if err != nil {
		return nil, fmt.Errorf("%w: balance of %s: %w", ErrSource, addr, err)
	}
	code, err := s.client.CodeAt(ctx, addr, s.number)
	if err != nil {
		return nil, fmt.Errorf("%w: code of %s: %w", ErrSource, addr, err)
	}
	bal, overflow := uint256.FromBig(balance)
	if overflow || balance.Sign() < 0 {
		return nil, fmt.Errorf("%w: balance of %s out of range: %s", ErrSource, addr, balance)
	}
	acct = &Account{Nonce: nonce, Balance: bal, Code: code, CodeHash: crypto.Keccak256Hash(code)}
	s.mu.Lock()
	s.accounts[addr] = acct
	s.mu.Unlock()
	return acct, nil
}

func (s *clientSource) Storage(ctx context.Context, addr common.Address, slot common.Hash) (common.Hash, error) {
	k := storageKey{addr, slot}
	s.mu.Lock()
	v, ok := s.storage[k]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	raw, err := s.client.StorageAt(ctx, addr, slot, s.number)
	if err != nil {
		return common.Hash{}, fmt.Errorf("%w: storage %s of %s: %w", ErrSource, slot, addr, err)
	}
	if len(raw) > common.HashLength {
		return common.Hash{}, fmt.Errorf("%w: storage %s of %s: %d bytes", ErrSource, slot, addr, len(raw))
	}
	v = common.BytesToHash(raw)
	s.mu.Lock()
	s.storage[k] = v
	s.mu.Unlock()
	return v, nil
}

func (s *clientSource) HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error) {
	return s.headers.get(ctx, s.header, hash, func(ctx context.Context) (*types.Header, error) {
		h, err := s.client.HeaderByHash(ctx, hash)
		if err != nil {
			return nil, fmt.Errorf("%w: header %s: %w", ErrSource, hash, err)
		}
		return h, nil
	})
}

// headerCache holds the ancestor headers a source fetched, each checked
// against the hash it was asked for. It is safe for concurrent use.
type headerCache struct {
	mu      sync.Mutex
	headers map[common.Hash]*types.Header
}

// get returns the header with the given hash: the pinned one, a cached
// one, or what fetch returns if it hashes to hash.
func (c *headerCache) get(ctx context.Context, pinned *types.Header, hash common.Hash, fetch func(context.Context) (*types.Header, error)) (*types.Header, error) {
	if hash == pinned.Hash() {
		return pinned, nil
	}
	c.mu.Lock()
	h, ok := c.headers[hash]
	c.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := fetch(ctx)
	if err != nil {
		return nil, err
	}
	if h.Hash() != hash {
		return nil, fmt.Errorf("%w: header %s: the node returned header %s", ErrProof, hash, h.Hash())
	}
	c.mu.Lock()
	if c.headers == nil {
		c.headers = make(map[common.Hash]*types.Header)
	}
	c.headers[hash] = h
	c.mu.Unlock()
	return h, nil
}
