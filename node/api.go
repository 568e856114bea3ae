package node

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/boosterkit/go-booster/booster"
)

// JSON-RPC error codes, as go-ethereum's clients expect them.
const (
	codeServer        = -32000 // transaction refused, state unavailable
	codeInvalidParams = -32602
	codeLimitExceeded = -32005
	codeReverted      = 3 // execution reverted, with the revert data
)

// ClientVersion is what web3_clientVersion answers.
const ClientVersion = "go-booster/v0.1.0"

// apiError is a JSON-RPC error with its code and, for reverts, its data.
type apiError struct {
	code int
	msg  string
	data any
}

func (e *apiError) Error() string  { return e.msg }
func (e *apiError) ErrorCode() int { return e.code }
func (e *apiError) ErrorData() any { return e.data }

func invalidParams(format string, args ...any) error {
	return &apiError{code: codeInvalidParams, msg: fmt.Sprintf(format, args...)}
}

// reverted is the error of a call that reverted, as go-ethereum gives it:
// "execution reverted", the reason if the data is Error(string), and the
// revert data.
func reverted(data []byte) error {
	msg := "execution reverted"
	if reason, err := abi.UnpackRevert(data); err == nil {
		msg += ": " + reason
	}
	return &apiError{code: codeReverted, msg: msg, data: hexutil.Encode(data)}
}

// maxLogBlocks bounds the block range of one eth_getLogs.
const maxLogBlocks = 10_000

// ethAPI is the eth namespace.
type ethAPI struct{ n *Node }

// ChainId returns the L2 chain id.
func (api *ethAPI) ChainId() *hexutil.Big { return (*hexutil.Big)(api.n.cfg.ChainID) }

// BlockNumber returns the number of the last sealed L2 block.
func (api *ethAPI) BlockNumber() hexutil.Uint64 {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	return hexutil.Uint64(api.n.b.Chain().Head().Number.Uint64())
}

// Syncing answers false: the node is the L2's only sequencer.
func (api *ethAPI) Syncing() bool { return false }

// Accounts returns no accounts: the node holds no user keys.
func (api *ethAPI) Accounts() []common.Address { return []common.Address{} }

// number resolves a block tag or number to a sealed block's number; ok is
// false for a block that does not exist. Pending is the head: queued
// transactions are not executed ahead of their batch.
func (api *ethAPI) number(bn rpc.BlockNumber) (uint64, bool) {
	head := api.n.b.Chain().Head().Number.Uint64()
	switch bn {
	case rpc.LatestBlockNumber, rpc.PendingBlockNumber, rpc.SafeBlockNumber, rpc.FinalizedBlockNumber:
		return head, true
	case rpc.EarliestBlockNumber:
		return 0, true
	}
	if bn < 0 || uint64(bn) > head {
		return 0, false
	}
	return uint64(bn), true
}

// at resolves a block number or hash; the caller holds mu for reading.
func (api *ethAPI) at(bnh rpc.BlockNumberOrHash) (uint64, error) {
	chain := api.n.b.Chain()
	if hash, ok := bnh.Hash(); ok {
		block := chain.BlockByHash(hash)
		if block == nil {
			return 0, &apiError{code: codeServer, msg: fmt.Sprintf("header for hash %s not found", hash)}
		}
		return block.NumberU64(), nil
	}
	bn, _ := bnh.Number()
	n, ok := api.number(bn)
	if !ok {
		return 0, &apiError{code: codeServer, msg: fmt.Sprintf("header not found: block %d", bn)}
	}
	return n, nil
}

// stateAt returns the L2 state at a block.
func (api *ethAPI) stateAt(bnh *rpc.BlockNumberOrHash) (*state.StateDB, error) {
	if bnh == nil {
		latest := rpc.BlockNumberOrHashWithNumber(rpc.LatestBlockNumber)
		bnh = &latest
	}
	n, err := api.at(*bnh)
	if err != nil {
		return nil, err
	}
	st, err := api.n.b.Chain().StateAt(n)
	if err != nil {
		return nil, &apiError{code: codeServer, msg: err.Error()}
	}
	return st, nil
}

// GetBlockByNumber returns a sealed L2 block, null if there is none.
func (api *ethAPI) GetBlockByNumber(bn rpc.BlockNumber, full bool) (fields, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	n, ok := api.number(bn)
	if !ok {
		return nil, nil
	}
	block := api.n.b.Chain().BlockByNumber(n)
	if block == nil {
		return nil, nil
	}
	return rpcBlock(block, full, api.n.b.Chain().Signer())
}

// GetBlockByHash returns a sealed L2 block, null if there is none.
func (api *ethAPI) GetBlockByHash(hash common.Hash, full bool) (fields, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	block := api.n.b.Chain().BlockByHash(hash)
	if block == nil {
		return nil, nil
	}
	return rpcBlock(block, full, api.n.b.Chain().Signer())
}

// GetBlockTransactionCountByNumber returns how many transactions a block
// holds, null if there is no such block.
func (api *ethAPI) GetBlockTransactionCountByNumber(bn rpc.BlockNumber) *hexutil.Uint {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	n, ok := api.number(bn)
	if !ok {
		return nil
	}
	block := api.n.b.Chain().BlockByNumber(n)
	if block == nil {
		return nil
	}
	c := hexutil.Uint(len(block.Transactions()))
	return &c
}

// SendRawTransaction queues a signed L2 transaction and returns its hash.
// It is in the data directory when the answer comes.
func (api *ethAPI) SendRawTransaction(input hexutil.Bytes) (common.Hash, error) {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(input); err != nil {
		return common.Hash{}, &apiError{code: codeServer, msg: err.Error()} // geth's code for an undecodable transaction
	}
	if err := api.n.SendTransaction(tx); err != nil {
		return common.Hash{}, &apiError{code: codeServer, msg: txRefusal(err)}
	}
	return tx.Hash(), nil
}

// txRefusal is the message of a refused transaction, led by go-ethereum's
// own wording where there is one (clients match "nonce too low" and the
// like).
func txRefusal(err error) string {
	for _, known := range []error{txpool.ErrAlreadyKnown, core.ErrNonceTooLow, core.ErrNonceTooHigh, core.ErrIntrinsicGas, core.ErrFeeCapTooLow,
		core.ErrInsufficientFunds, core.ErrFloorDataGas, types.ErrInvalidChainId, types.ErrInvalidSig, types.ErrTxTypeNotSupported} {
		if errors.Is(err, known) {
			return known.Error() + ": " + err.Error()
		}
	}
	return err.Error()
}

// GetTransactionByHash returns a sealed or queued transaction, null if the
// node does not know it.
func (api *ethAPI) GetTransactionByHash(hash common.Hash) (fields, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	chain := api.n.b.Chain()
	if tx, at, ok := chain.Transaction(hash); ok {
		return rpcTransaction(tx, &at, chain.HeaderByNumber(at.BlockNumber), chain.Signer())
	}
	for _, tx := range api.n.b.Queued() {
		if tx.Hash() == hash {
			return rpcTransaction(tx, nil, nil, chain.Signer())
		}
	}
	return nil, nil
}

// GetTransactionReceipt returns a sealed transaction's receipt, with the
// L1 logs of its L1CALLs; null until its batch is sealed.
func (api *ethAPI) GetTransactionReceipt(hash common.Hash) (fields, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	chain := api.n.b.Chain()
	tx, _, ok := chain.Transaction(hash)
	if !ok {
		return nil, nil
	}
	r, err := chain.Receipt(hash)
	if err != nil || r == nil {
		return nil, err
	}
	return rpcReceipt(r, tx)
}

// callArgs are eth_call's and eth_estimateGas's transaction arguments.
type callArgs struct {
	From                 *common.Address   `json:"from"`
	To                   *common.Address   `json:"to"`
	Gas                  *hexutil.Uint64   `json:"gas"`
	GasPrice             *hexutil.Big      `json:"gasPrice"`
	MaxFeePerGas         *hexutil.Big      `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexutil.Big      `json:"maxPriorityFeePerGas"`
	Value                *hexutil.Big      `json:"value"`
	Data                 *hexutil.Bytes    `json:"data"`
	Input                *hexutil.Bytes    `json:"input"`
	AccessList           *types.AccessList `json:"accessList"`
}

func (a callArgs) message() (ethereum.CallMsg, error) {
	var m ethereum.CallMsg
	if a.From != nil {
		m.From = *a.From
	}
	m.To = a.To
	if a.Gas != nil {
		m.Gas = uint64(*a.Gas)
	}
	if a.GasPrice != nil && (a.MaxFeePerGas != nil || a.MaxPriorityFeePerGas != nil) {
		return m, invalidParams("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
	}
	m.GasPrice = (*big.Int)(a.GasPrice)
	m.GasFeeCap = (*big.Int)(a.MaxFeePerGas)
	m.GasTipCap = (*big.Int)(a.MaxPriorityFeePerGas)
	m.Value = (*big.Int)(a.Value)
	if a.Data != nil && a.Input != nil && !slices.Equal(*a.Data, *a.Input) {
		return m, invalidParams(`both "data" and "input" are set and not equal`)
	}
	if a.Input != nil {
		m.Data = *a.Input
	} else if a.Data != nil {
		m.Data = *a.Data
	}
	if a.AccessList != nil {
		m.AccessList = *a.AccessList
	}
	return m, nil
}

// onlyHead refuses a block other than the head for eth_call and
// eth_estimateGas: calls run over the pinned L1 block, which exists for
// the head only.
func (api *ethAPI) onlyHead(bnh *rpc.BlockNumberOrHash) error {
	if bnh == nil {
		return nil
	}
	n, err := api.at(*bnh)
	if err != nil {
		return err
	}
	if head := api.n.b.Chain().Head().Number.Uint64(); n != head {
		return &apiError{code: codeServer, msg: fmt.Sprintf("calls run at the head (block %d) only, not block %d", head, n)}
	}
	return nil
}

// Call runs a read-only call at the L2 head, the precompiles working.
func (api *ethAPI) Call(ctx context.Context, args callArgs, bnh *rpc.BlockNumberOrHash, _ *map[common.Address]any) (hexutil.Bytes, error) {
	msg, err := args.message()
	if err != nil {
		return nil, err
	}
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	if err := api.onlyHead(bnh); err != nil {
		return nil, err
	}
	res, err := api.n.b.Call(ctx, msg)
	if err != nil {
		return nil, &apiError{code: codeServer, msg: err.Error()}
	}
	if errors.Is(res.Err, vm.ErrExecutionReverted) {
		return nil, reverted(res.ReturnData)
	}
	if res.Err != nil {
		return nil, &apiError{code: codeServer, msg: res.Err.Error()}
	}
	return res.ReturnData, nil
}

// EstimateGas returns the least gas the transaction succeeds with.
func (api *ethAPI) EstimateGas(ctx context.Context, args callArgs, bnh *rpc.BlockNumberOrHash, _ *map[common.Address]any) (hexutil.Uint64, error) {
	msg, err := args.message()
	if err != nil {
		return 0, err
	}
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	if err := api.onlyHead(bnh); err != nil {
		return 0, err
	}
	gas, res, err := api.n.b.EstimateGas(ctx, msg)
	if res != nil && errors.Is(res.Err, vm.ErrExecutionReverted) {
		return 0, reverted(res.ReturnData)
	}
	if err != nil {
		return 0, &apiError{code: codeServer, msg: err.Error()}
	}
	return hexutil.Uint64(gas), nil
}

// GetBalance returns an L2 balance.
func (api *ethAPI) GetBalance(addr common.Address, bnh rpc.BlockNumberOrHash) (*hexutil.Big, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	st, err := api.stateAt(&bnh)
	if err != nil {
		return nil, err
	}
	return (*hexutil.Big)(st.GetBalance(addr).ToBig()), nil
}

// GetCode returns L2 code.
func (api *ethAPI) GetCode(addr common.Address, bnh rpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	st, err := api.stateAt(&bnh)
	if err != nil {
		return nil, err
	}
	return st.GetCode(addr), nil
}

// GetStorageAt returns an L2 storage slot.
func (api *ethAPI) GetStorageAt(addr common.Address, slot string, bnh rpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	key, err := storageKey(slot)
	if err != nil {
		return nil, err
	}
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	st, err := api.stateAt(&bnh)
	if err != nil {
		return nil, err
	}
	v := st.GetState(addr, key)
	return v[:], nil
}

// storageKey parses a slot as geth does: hex with or without 0x, of any
// length up to 32 bytes.
func storageKey(s string) (common.Hash, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(digits)%2 == 1 {
		digits = "0" + digits
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return common.Hash{}, invalidParams("invalid storage key %q: %v", s, err)
	}
	if len(b) > common.HashLength {
		return common.Hash{}, invalidParams("invalid storage key %q: longer than 32 bytes", s)
	}
	return common.BytesToHash(b), nil
}

// GetTransactionCount returns an account's nonce: at "pending", the next
// nonce counting its queued transactions.
func (api *ethAPI) GetTransactionCount(addr common.Address, bnh rpc.BlockNumberOrHash) (hexutil.Uint64, error) {
	if bn, ok := bnh.Number(); ok && bn == rpc.PendingBlockNumber {
		return hexutil.Uint64(api.n.b.Nonce(addr)), nil
	}
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	st, err := api.stateAt(&bnh)
	if err != nil {
		return 0, err
	}
	return hexutil.Uint64(st.GetNonce(addr)), nil
}

// GasPrice returns the L2 base fee: the L2 takes no tip.
func (api *ethAPI) GasPrice() *hexutil.Big {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	return (*hexutil.Big)(api.n.b.Chain().Head().BaseFee)
}

// MaxPriorityFeePerGas returns zero: the L2's one sequencer needs no tip.
func (api *ethAPI) MaxPriorityFeePerGas() *hexutil.Big { return (*hexutil.Big)(new(big.Int)) }

// feeHistory is eth_feeHistory's answer.
type feeHistory struct {
	OldestBlock      *hexutil.Big     `json:"oldestBlock"`
	Reward           [][]*hexutil.Big `json:"reward,omitempty"`
	BaseFee          []*hexutil.Big   `json:"baseFeePerGas,omitempty"`
	GasUsedRatio     []float64        `json:"gasUsedRatio"`
	BlobBaseFee      []*hexutil.Big   `json:"baseFeePerBlobGas,omitempty"`
	BlobGasUsedRatio []float64        `json:"blobGasUsedRatio,omitempty"`
}

// maxFeeHistory bounds eth_feeHistory's block count, as geth does.
const maxFeeHistory = 1024

// FeeHistory returns the base fees and gas use of the last blocks up to
// newest; every reward percentile is zero (no tips on this L2).
func (api *ethAPI) FeeHistory(count hexutil.Uint64, newest rpc.BlockNumber, percentiles []float64) (*feeHistory, error) {
	for i, p := range percentiles {
		if p < 0 || p > 100 || (i > 0 && p < percentiles[i-1]) {
			return nil, invalidParams("invalid reward percentile %v", p)
		}
	}
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	last, ok := api.number(newest)
	if !ok {
		return nil, &apiError{code: codeServer, msg: fmt.Sprintf("block %d not found", newest)}
	}
	n := min(uint64(count), maxFeeHistory, last+1)
	out := &feeHistory{OldestBlock: (*hexutil.Big)(new(big.Int).SetUint64(last + 1 - n)), GasUsedRatio: []float64{}}
	chain := api.n.b.Chain()
	for b := last + 1 - n; b <= last && n > 0; b++ {
		h := chain.HeaderByNumber(b)
		out.BaseFee = append(out.BaseFee, (*hexutil.Big)(h.BaseFee))
		out.GasUsedRatio = append(out.GasUsedRatio, float64(h.GasUsed)/float64(h.GasLimit))
		// The L2 carries no blobs: their fee is the minimum, their use none.
		out.BlobBaseFee = append(out.BlobBaseFee, (*hexutil.Big)(big.NewInt(params.BlobTxMinBlobGasprice)))
		out.BlobGasUsedRatio = append(out.BlobGasUsedRatio, 0)
		if len(percentiles) > 0 {
			r := make([]*hexutil.Big, len(percentiles))
			for i := range r {
				r[i] = (*hexutil.Big)(new(big.Int))
			}
			out.Reward = append(out.Reward, r)
		}
	}
	if n > 0 {
		// The base fee of the block after the newest: the L2's is fixed.
		out.BaseFee = append(out.BaseFee, (*hexutil.Big)(chain.HeaderByNumber(last).BaseFee))
		out.BlobBaseFee = append(out.BlobBaseFee, (*hexutil.Big)(big.NewInt(params.BlobTxMinBlobGasprice)))
	}
	return out, nil
}

// GetLogs returns the L2 logs matching a filter.
func (api *ethAPI) GetLogs(crit filters.FilterCriteria) ([]*types.Log, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	chain := api.n.b.Chain()
	var from, to uint64
	if crit.BlockHash != nil {
		block := chain.BlockByHash(*crit.BlockHash)
		if block == nil {
			return nil, &apiError{code: codeServer, msg: "unknown block"}
		}
		from, to = block.NumberU64(), block.NumberU64()
	} else {
		var ok bool
		if from, ok = api.number(blockArg(crit.FromBlock, rpc.LatestBlockNumber)); !ok {
			return []*types.Log{}, nil
		}
		if to, ok = api.number(blockArg(crit.ToBlock, rpc.LatestBlockNumber)); !ok {
			to = chain.Head().Number.Uint64()
		}
		if from > to {
			return nil, invalidParams("invalid block range: from %d is after to %d", from, to)
		}
		if to-from >= maxLogBlocks {
			return nil, &apiError{code: codeLimitExceeded, msg: fmt.Sprintf("query spans %d blocks, at most %d", to-from+1, maxLogBlocks)}
		}
	}
	out := []*types.Log{}
	for n := from; n <= to; n++ {
		block := chain.BlockByNumber(n)
		if block == nil {
			continue
		}
		if len(crit.Addresses) > 0 || len(crit.Topics) > 0 {
			if !bloomMatches(block.Bloom(), crit) {
				continue
			}
		}
		receipts, err := chain.Receipts(block.Hash())
		if err != nil {
			return nil, &apiError{code: codeServer, msg: err.Error()}
		}
		for _, r := range receipts {
			for _, l := range r.Logs {
				if logMatches(l, crit) {
					out = append(out, l)
				}
			}
		}
	}
	return out, nil
}

func blockArg(b *big.Int, def rpc.BlockNumber) rpc.BlockNumber {
	if b == nil {
		return def
	}
	if !b.IsInt64() {
		return rpc.BlockNumber(-100) // no such block
	}
	return rpc.BlockNumber(b.Int64())
}

// bloomMatches reports whether a block may hold matching logs.
func bloomMatches(bloom types.Bloom, crit filters.FilterCriteria) bool {
	if len(crit.Addresses) > 0 && !slices.ContainsFunc(crit.Addresses, func(a common.Address) bool { return types.BloomLookup(bloom, a) }) {
		return false
	}
	for _, alts := range crit.Topics {
		if len(alts) > 0 && !slices.ContainsFunc(alts, func(t common.Hash) bool { return types.BloomLookup(bloom, t) }) {
			return false
		}
	}
	return true
}

// logMatches is Ethereum's log filter: any of the addresses, and per
// position any of the topics (none: any topic).
func logMatches(l *types.Log, crit filters.FilterCriteria) bool {
	if len(crit.Addresses) > 0 && !slices.Contains(crit.Addresses, l.Address) {
		return false
	}
	if len(crit.Topics) > len(l.Topics) {
		return false
	}
	for i, alts := range crit.Topics {
		if len(alts) > 0 && !slices.Contains(alts, l.Topics[i]) {
			return false
		}
	}
	return true
}

// NewHeads is eth_subscribe("newHeads"): the header of each sealed block.
func (api *ethAPI) NewHeads(ctx context.Context) (*rpc.Subscription, error) {
	notifier, ok := rpc.NotifierFromContext(ctx)
	if !ok {
		return nil, rpc.ErrNotificationsUnsupported
	}
	sub := notifier.CreateSubscription()
	heads := make(chan *types.Header, 64)
	feed := api.n.heads.Subscribe(heads)
	go func() {
		defer feed.Unsubscribe()
		for {
			select {
			case h := <-heads:
				_ = notifier.Notify(sub.ID, h)
			case <-sub.Err():
				return
			case <-api.n.closed:
				return
			}
		}
	}()
	return sub, nil
}

// Logs is eth_subscribe("logs", filter): each matching log of each sealed
// block.
func (api *ethAPI) Logs(ctx context.Context, crit filters.FilterCriteria) (*rpc.Subscription, error) {
	notifier, ok := rpc.NotifierFromContext(ctx)
	if !ok {
		return nil, rpc.ErrNotificationsUnsupported
	}
	sub := notifier.CreateSubscription()
	logs := make(chan []*types.Log, 64)
	feed := api.n.logs.Subscribe(logs)
	go func() {
		defer feed.Unsubscribe()
		for {
			select {
			case ls := <-logs:
				for _, l := range ls {
					if logMatches(l, crit) {
						_ = notifier.Notify(sub.ID, l)
					}
				}
			case <-sub.Err():
				return
			case <-api.n.closed:
				return
			}
		}
	}()
	return sub, nil
}

// netAPI is the net namespace.
type netAPI struct{ n *Node }

// Version returns the L2 chain id in decimal.
func (api *netAPI) Version() string { return api.n.cfg.ChainID.String() }

// Listening answers true: the node serves JSON-RPC.
func (api *netAPI) Listening() bool { return true }

// PeerCount answers zero: the node has no peers.
func (api *netAPI) PeerCount() hexutil.Uint { return 0 }

// web3API is the web3 namespace.
type web3API struct{}

// ClientVersion returns the node's name and version.
func (web3API) ClientVersion() string { return ClientVersion }

// Sha3 returns keccak256 of the input.
func (web3API) Sha3(input hexutil.Bytes) hexutil.Bytes { return crypto.Keccak256(input) }

// boosterAPI is the booster namespace.
type boosterAPI struct{ n *Node }

// rpcBatch is booster_getBatch's answer.
type rpcBatch struct {
	Number       hexutil.Uint64   `json:"number"`
	L2Block      common.Hash      `json:"l2Block"`
	Transactions []common.Hash    `json:"transactions"`
	Commitment   common.Hash      `json:"commitment"`
	Parent       common.Hash      `json:"parent"`
	L1Block      rpcL1Block       `json:"l1Block"`
	Writes       []rpcWrite       `json:"writes"`
	Reads        rpcReads         `json:"reads"`
	Settlement   SettlementStatus `json:"settlement"`
	Proof        string           `json:"proof"`
}

type rpcL1Block struct {
	Number    hexutil.Uint64 `json:"number"`
	Hash      common.Hash    `json:"hash"`
	Timestamp hexutil.Uint64 `json:"timestamp"`
}

type rpcWrite struct {
	Contract common.Address `json:"contract"`
	Slot     common.Hash    `json:"slot"`
	Value    common.Hash    `json:"value"`
}

type rpcReads struct {
	Storage  []rpcWrite       `json:"storage"`
	Code     []rpcCodeRead    `json:"code"`
	Balances []rpcBalanceRead `json:"balances"`
}

type rpcCodeRead struct {
	Account  common.Address `json:"account"`
	CodeHash common.Hash    `json:"codeHash"`
}

type rpcBalanceRead struct {
	Account common.Address `json:"account"`
	Balance *hexutil.Big   `json:"balance"`
}

// proofKind says what proves the node's batches.
func (n *Node) proofKind() string {
	if n.cfg.Prover == nil {
		return "development"
	}
	return "prover"
}

// GetBatch returns a batch by number: its transactions, write list, read
// set, commitment and settlement status; null if there is none.
func (api *boosterAPI) GetBatch(number hexutil.Uint64) (*rpcBatch, error) {
	api.n.mu.RLock()
	defer api.n.mu.RUnlock()
	batch, err := api.n.b.Batch(uint64(number))
	if errors.Is(err, booster.ErrNoBatch) {
		return nil, nil
	}
	if err != nil {
		return nil, &apiError{code: codeServer, msg: err.Error()}
	}
	commitment, err := batch.Commitment()
	if err != nil {
		return nil, &apiError{code: codeServer, msg: err.Error()}
	}
	st, _ := api.n.statusOf(uint64(number))
	out := &rpcBatch{
		Number: number, L2Block: batch.L2Block.Hash(), Commitment: commitment, Parent: batch.Parent,
		L1Block:      rpcL1Block{Number: hexutil.Uint64(batch.L1Block.Number.Uint64()), Hash: batch.L1Block.Hash(), Timestamp: hexutil.Uint64(batch.L1Block.Time)},
		Transactions: []common.Hash{}, Writes: []rpcWrite{},
		Reads:      rpcReads{Storage: []rpcWrite{}, Code: []rpcCodeRead{}, Balances: []rpcBalanceRead{}},
		Settlement: st, Proof: api.n.proofKind(),
	}
	for _, tx := range batch.Transactions {
		out.Transactions = append(out.Transactions, tx.Hash())
	}
	for _, w := range batch.Writes {
		out.Writes = append(out.Writes, rpcWrite{w.Contract, w.Slot, w.Value})
	}
	for _, r := range batch.Reads.Storage {
		out.Reads.Storage = append(out.Reads.Storage, rpcWrite{r.Contract, r.Slot, r.Value})
	}
	for _, r := range batch.Reads.Code {
		out.Reads.Code = append(out.Reads.Code, rpcCodeRead{r.Account, r.CodeHash})
	}
	for _, r := range batch.Reads.Balances {
		out.Reads.Balances = append(out.Reads.Balances, rpcBalanceRead{r.Account, (*hexutil.Big)(r.Balance.ToBig())})
	}
	return out, nil
}

// L1Block returns the L1 block the next batch is pinned to now.
func (api *boosterAPI) L1Block() rpcL1Block {
	h := api.n.b.L1Source().Header()
	return rpcL1Block{Number: hexutil.Uint64(h.Number.Uint64()), Hash: h.Hash(), Timestamp: hexutil.Uint64(h.Time)}
}

// proofStatus is booster_proofStatus's answer.
type proofStatus struct {
	Batch  hexutil.Uint64 `json:"batch"`
	Prover string         `json:"prover"`
	State  string         `json:"state"`
}

// ProofStatus says what proves a batch and where its settlement stands.
func (api *boosterAPI) ProofStatus(number hexutil.Uint64) (*proofStatus, error) {
	st, err := api.n.Status(uint64(number))
	if err != nil {
		return nil, nil
	}
	return &proofStatus{Batch: number, Prover: api.n.proofKind(), State: st.State}, nil
}

// health is booster_health's answer.
type health struct {
	// State is "running", or "stopped" after the node stopped cutting
	// batches (Error says why).
	State string         `json:"state"`
	Error string         `json:"error,omitempty"`
	Head  hexutil.Uint64 `json:"head"`
}

// Health says whether the node still cuts batches, and its L2 head.
func (api *boosterAPI) Health() health {
	api.n.mu.RLock()
	head := api.n.b.Chain().Head().Number.Uint64()
	api.n.mu.RUnlock()
	h := health{State: "running", Head: hexutil.Uint64(head)}
	if err := api.n.Err(); err != nil {
		h.State, h.Error = "stopped", err.Error()
	}
	return h
}

// Queued returns how many transactions wait for the next batch.
func (api *boosterAPI) Queued() hexutil.Uint64 { return hexutil.Uint64(api.n.b.Pending()) }

// Contract returns the L1 booster contract the node settles on.
func (api *boosterAPI) Contract() common.Address { return api.n.contract }
