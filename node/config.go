package node

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
)

// Errors of the node.
var (
	// ErrConfig means the configuration is invalid; it says what is wrong.
	ErrConfig = errors.New("node: invalid configuration")
	// ErrL1 means the L1 node failed or answered something unusable.
	ErrL1 = errors.New("node: L1")
	// ErrDiverged means the L1 booster contract and the node's data
	// directory disagree about the settled batches (another node settles
	// on the same contract, or the data directory is older than L1).
	ErrDiverged = errors.New("node: L1 and the data directory disagree")
	// ErrClosed means the node was closed.
	ErrClosed = errors.New("node: closed")
)

// Defaults of Config.
const (
	DefaultListenAddr    = "127.0.0.1:8545"
	DefaultBatchMaxTxs   = 100
	DefaultBatchInterval = 2 * time.Second
	DefaultL1Period      = time.Second
	// DefaultMaxRequestSize is the largest JSON-RPC request body (HTTP)
	// or message (WebSocket) the node reads.
	DefaultMaxRequestSize = 5 << 20
)

// Config configures a node. The zero value runs an in-memory L2 with
// booster.DefaultChainID on the embedded simulated L1, serving JSON-RPC on
// DefaultListenAddr.
type Config struct {
	// ChainID is the L2 chain id (booster.DefaultChainID if nil).
	ChainID *big.Int
	// DataDir is where the L2 chain, the queue of accepted transactions
	// and the settlement status of every batch are kept; empty keeps them
	// in memory. It needs an L1URL: the embedded L1 starts afresh at every
	// start.
	DataDir string
	// Genesis is the initial L2 state, BaseFee the L2 base fee per gas
	// (zero if nil: transactions may pay nothing).
	Genesis types.GenesisAlloc
	BaseFee *big.Int

	// L1URL is the JSON-RPC endpoint of the L1 node (HTTP or WebSocket).
	// Empty starts the embedded simulated L1, mining a block every
	// L1Period, with the development verifier and the booster contract
	// deployed, and L1Funded given 1,000 ether each.
	L1URL    string
	L1Period time.Duration
	L1Funded []common.Address
	// L1Config is the rules of the L1 chain at L1URL
	// (params.AllDevChainProtocolChanges, geth --dev's, if nil); its chain
	// id must match the node's.
	L1Config *params.ChainConfig
	// BoosterContract is the L1 booster contract that settles this L2's
	// batches (required with L1URL).
	BoosterContract common.Address
	// L1Key signs and pays the settlement transactions (required with
	// L1URL).
	L1Key *ecdsa.PrivateKey
	// Prover proves batches; nil uses the development prover with DevKey,
	// the signer of the development verifier the booster contract trusts
	// (required with L1URL and no Prover).
	Prover booster.Prover
	DevKey *ecdsa.PrivateKey

	// ListenAddr is the JSON-RPC address, HTTP and WebSocket on one port
	// (DefaultListenAddr if empty; port 0 picks a free one).
	ListenAddr string
	// MaxRequestSize bounds a JSON-RPC request (DefaultMaxRequestSize if
	// 0).
	MaxRequestSize int

	// BatchMaxTxs cuts a batch as soon as that many transactions are
	// queued, BatchInterval at the latest that long after the last batch
	// when any is queued.
	BatchMaxTxs   int
	BatchInterval time.Duration
	// SettleTimeout is how long the node waits for a settlement's receipt
	// before it checks L1 again (one minute if 0).
	SettleTimeout time.Duration

	// Logger receives structured logs (slog.Default() if nil).
	Logger *slog.Logger
}

// withDefaults fills in the defaults and checks the configuration.
func (c Config) withDefaults() (Config, error) {
	if c.ChainID == nil {
		c.ChainID = booster.DefaultChainID
	}
	if c.ChainID.Sign() <= 0 {
		return c, fmt.Errorf("%w: the L2 chain id must be positive", ErrConfig)
	}
	if c.ListenAddr == "" {
		c.ListenAddr = DefaultListenAddr
	}
	if c.MaxRequestSize == 0 {
		c.MaxRequestSize = DefaultMaxRequestSize
	}
	if c.BatchMaxTxs == 0 {
		c.BatchMaxTxs = DefaultBatchMaxTxs
	}
	if c.BatchInterval == 0 {
		c.BatchInterval = DefaultBatchInterval
	}
	if c.L1Period == 0 {
		c.L1Period = DefaultL1Period
	}
	if c.SettleTimeout == 0 {
		c.SettleTimeout = time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.BatchMaxTxs < 0:
		return c, fmt.Errorf("%w: negative batch size", ErrConfig)
	case c.BatchInterval < 0 || c.L1Period < 0 || c.SettleTimeout < 0:
		return c, fmt.Errorf("%w: negative duration", ErrConfig)
	case c.MaxRequestSize < 0:
		return c, fmt.Errorf("%w: negative request size", ErrConfig)
	}
	if c.L1URL == "" {
		if c.DataDir != "" {
			return c, fmt.Errorf("%w: a data directory needs a real L1 (an L1 URL): the embedded L1 starts afresh every time", ErrConfig)
		}
		return c, nil
	}
	if c.L1Config == nil {
		c.L1Config = params.AllDevChainProtocolChanges
	}
	switch {
	case c.BoosterContract == (common.Address{}):
		return c, fmt.Errorf("%w: an L1 URL needs the booster contract's address", ErrConfig)
	case c.L1Key == nil:
		return c, fmt.Errorf("%w: an L1 URL needs the key that sends settlements", ErrConfig)
	case c.Prover == nil && c.DevKey == nil:
		return c, fmt.Errorf("%w: an L1 URL needs a prover or the development verifier's key", ErrConfig)
	}
	return c, nil
}
