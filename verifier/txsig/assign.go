package txsig

import (
	"bytes"
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
)

// Assign returns the witness of a signed transaction for a gadget of
// calldata capacity dataCap, and its sender as go-ethereum recovers it.
// The payload is encoded with go-ethereum's rlp and checked against the
// signer's signing hash, so the circuit's own encoding is checked against
// go-ethereum's by every proof.
func Assign(tx *types.Transaction, dataCap int) (Tx, common.Address, error) {
	w := NewTx(dataCap)
	if len(tx.Data()) > dataCap {
		return w, common.Address{}, fmt.Errorf("%w: %d bytes of calldata, capacity %d", ErrCapacity, len(tx.Data()), dataCap)
	}
	switch tx.Type() {
	case types.LegacyTxType:
		if !tx.Protected() {
			return w, common.Address{}, fmt.Errorf("%w: legacy transaction without EIP-155 replay protection", ErrUnsupported)
		}
	case types.AccessListTxType, types.DynamicFeeTxType:
		if len(tx.AccessList()) > 0 {
			return w, common.Address{}, fmt.Errorf("%w: access list of %d entries", ErrUnsupported, len(tx.AccessList()))
		}
	default:
		return w, common.Address{}, fmt.Errorf("%w: transaction type %d", ErrUnsupported, tx.Type())
	}
	signer := types.LatestSignerForChainID(tx.ChainId())
	sender, err := types.Sender(signer, tx)
	if err != nil {
		return w, common.Address{}, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	payload, err := signingPayload(tx)
	if err != nil {
		return w, common.Address{}, err
	}
	if h := signer.Hash(tx); crypto.Keccak256Hash(payload) != h {
		return w, common.Address{}, fmt.Errorf("txsig: payload does not hash to the signing hash %s", h)
	}

	w.Legacy, w.AccessList, w.DynamicFee = 0, 0, 0
	switch tx.Type() {
	case types.LegacyTxType:
		w.Legacy = 1
	case types.AccessListTxType:
		w.AccessList = 1
	default:
		w.DynamicFee = 1
	}
	tip := new(big.Int)
	if tx.Type() == types.DynamicFeeTxType {
		tip = tx.GasTipCap()
	}
	fee := tx.GasFeeCap() // the gas price of legacy and access-list transactions
	for _, f := range []struct {
		name string
		n    *Int
		v    *big.Int
	}{
		{"chain id", &w.ChainID, tx.ChainId()},
		{"nonce", &w.Nonce, new(big.Int).SetUint64(tx.Nonce())},
		{"gas", &w.Gas, new(big.Int).SetUint64(tx.Gas())},
		{"gas tip cap", &w.GasTipCap, tip},
		{"gas fee cap", &w.GasFeeCap, fee},
		{"value", &w.Value, tx.Value()},
	} {
		if err := assignInt(f.n, f.v); err != nil {
			return w, common.Address{}, fmt.Errorf("%w: %s %v", err, f.name, f.v)
		}
	}
	w.Create = 1
	to := make([]byte, 20)
	if tx.To() != nil {
		w.Create = 0
		to = tx.To().Bytes()
	}
	assignBytes(w.To, to)
	assignBytes(w.Data, tx.Data())
	w.DataLen = len(tx.Data())
	assignBytes(w.Payload, payload)
	w.PayloadLen = len(payload)

	v, r, s := tx.RawSignatureValues()
	parity := new(big.Int).Set(v)
	if tx.Type() == types.LegacyTxType {
		parity.Sub(parity, new(big.Int).Add(new(big.Int).Lsh(tx.ChainId(), 1), big.NewInt(35)))
	}
	w.YParity = parity.Uint64()
	assignBytes(w.R, common.BigToHash(r).Bytes())
	assignBytes(w.S, common.BigToHash(s).Bytes())
	return w, sender, nil
}

// signingPayload is what the transaction's signer hashes, encoded with
// go-ethereum's rlp.
func signingPayload(tx *types.Transaction) ([]byte, error) {
	to := []byte{}
	if tx.To() != nil {
		to = tx.To().Bytes()
	}
	var fields []any
	var prefix []byte
	switch tx.Type() {
	case types.LegacyTxType:
		fields = []any{tx.Nonce(), tx.GasPrice(), tx.Gas(), to, tx.Value(), tx.Data(), tx.ChainId(), uint(0), uint(0)}
	case types.AccessListTxType:
		prefix = []byte{types.AccessListTxType}
		fields = []any{tx.ChainId(), tx.Nonce(), tx.GasPrice(), tx.Gas(), to, tx.Value(), tx.Data(), types.AccessList{}}
	default:
		prefix = []byte{types.DynamicFeeTxType}
		fields = []any{tx.ChainId(), tx.Nonce(), tx.GasTipCap(), tx.GasFeeCap(), tx.Gas(), to, tx.Value(), tx.Data(), types.AccessList{}}
	}
	var buf bytes.Buffer
	buf.Write(prefix)
	if err := rlp.Encode(&buf, fields); err != nil {
		return nil, fmt.Errorf("txsig: encode payload: %w", err)
	}
	return buf.Bytes(), nil
}

// assignInt sets a fixed-width integer witness.
func assignInt(n *Int, v *big.Int) error {
	b := v.Bytes()
	if len(b) > len(n.Bytes) {
		return fmt.Errorf("%w: wider than %d bytes", ErrUnsupported, len(n.Bytes))
	}
	padded := make([]byte, len(n.Bytes))
	copy(padded[len(padded)-len(b):], b)
	assignBytes(n.Bytes, padded)
	n.Len = len(b)
	return nil
}

// assignBytes sets dst to b, zero-padded.
func assignBytes(dst []frontend.Variable, b []byte) {
	for i := range dst {
		dst[i] = 0
		if i < len(b) {
			dst[i] = b[i]
		}
	}
}
