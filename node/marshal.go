package node

import (
	"encoding/json"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/evm"
)

// fields is a JSON object built from go-ethereum's own encodings, with
// the fields Ethereum's JSON-RPC adds around them.
type fields map[string]any

// object turns a go-ethereum type with a JSON encoding into fields.
func object(v any) (fields, error) {
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(enc, &raw); err != nil {
		return nil, err
	}
	out := make(fields, len(raw))
	for k, v := range raw {
		out[k] = v
	}
	return out, nil
}

// rpcBlock is a block as eth_getBlockByNumber returns it: the header's
// fields, its size, and its transactions as hashes or in full.
func rpcBlock(block *types.Block, full bool, signer types.Signer) (fields, error) {
	out, err := object(block.Header())
	if err != nil {
		return nil, err
	}
	for k, v := range out {
		// Header fields of forks the L2 does not run are absent, not null.
		if raw, ok := v.(json.RawMessage); ok && string(raw) == "null" {
			delete(out, k)
		}
	}
	out["size"] = hexutil.Uint64(block.Size())
	out["uncles"] = []common.Hash{}
	txs := make([]any, len(block.Transactions()))
	for i, tx := range block.Transactions() {
		if !full {
			txs[i] = tx.Hash()
			continue
		}
		t, err := rpcTransaction(tx, &evm.TxLocation{BlockHash: block.Hash(), BlockNumber: block.NumberU64(), Index: uint64(i)}, block.Header(), signer)
		if err != nil {
			return nil, err
		}
		txs[i] = t
	}
	out["transactions"] = txs
	if block.Withdrawals() == nil && block.Header().WithdrawalsHash != nil {
		out["withdrawals"] = []any{}
	}
	return out, nil
}

// rpcTransaction is a transaction as eth_getTransactionByHash returns it;
// at and block are nil for a queued one.
func rpcTransaction(tx *types.Transaction, at *evm.TxLocation, block *types.Header, signer types.Signer) (fields, error) {
	out, err := object(tx)
	if err != nil {
		return nil, err
	}
	from, err := types.Sender(signer, tx)
	if err != nil {
		return nil, err
	}
	out["from"] = from
	if at == nil {
		out["blockHash"], out["blockNumber"], out["transactionIndex"] = nil, nil, nil
		return out, nil
	}
	out["blockHash"] = at.BlockHash
	out["blockNumber"] = hexutil.Uint64(at.BlockNumber)
	out["transactionIndex"] = hexutil.Uint64(at.Index)
	out["blockTimestamp"] = hexutil.Uint64(block.Time)
	baseFee := block.BaseFee
	if tx.Type() != types.LegacyTxType && tx.Type() != types.AccessListTxType && baseFee != nil {
		// In a block, gasPrice is what the transaction paid per gas.
		price := new(big.Int).Add(baseFee, tx.EffectiveGasTipValue(baseFee))
		if price.Cmp(tx.GasFeeCap()) > 0 {
			price = tx.GasFeeCap()
		}
		out["gasPrice"] = (*hexutil.Big)(price)
	}
	return out, nil
}

// rpcReceipt is a receipt as eth_getTransactionReceipt returns it, with the
// L1 logs of its L1CALLs under "l1Logs".
func rpcReceipt(r *evm.Receipt, tx *types.Transaction) (fields, error) {
	out, err := object(r.Receipt)
	if err != nil {
		return nil, err
	}
	out["from"] = r.From
	out["to"] = tx.To()
	if tx.To() != nil {
		out["contractAddress"] = nil
	}
	if len(r.PostState) == 0 {
		delete(out, "root")
	}
	l1Logs := r.L1Logs
	if l1Logs == nil {
		l1Logs = []*types.Log{}
	}
	out["l1Logs"] = l1Logs
	return out, nil
}
