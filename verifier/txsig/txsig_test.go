package txsig

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"
)

// dataCap is the calldata capacity of the test circuit: room for a
// two-byte RLP length.
const dataCap = 300

// txCircuit checks one transaction's signature and exposes what the batch
// circuit will use.
type txCircuit struct {
	Tx                    Tx
	Sender                frontend.Variable `gnark:",public"`
	ChainID, Nonce        frontend.Variable `gnark:",public"`
	HashHi, HashLo        frontend.Variable `gnark:",public"`
	ValueHi, ValueLo, To  frontend.Variable `gnark:",public"`
	Create, Gas, GasFeeLo frontend.Variable `gnark:",public"`
}

func (c *txCircuit) Define(api frontend.API) error {
	s, err := Verify(api, &c.Tx)
	if err != nil {
		return err
	}
	for _, p := range [][2]frontend.Variable{
		{s.Sender, c.Sender}, {s.ChainID, c.ChainID}, {s.Nonce, c.Nonce}, {s.HashHi, c.HashHi}, {s.HashLo, c.HashLo},
		{s.Value[0], c.ValueHi}, {s.Value[1], c.ValueLo}, {s.To, c.To}, {s.Create, c.Create}, {s.Gas, c.Gas}, {s.GasFeeCap[1], c.GasFeeLo},
	} {
		api.AssertIsEqual(p[0], p[1])
	}
	return nil
}

func newTxCircuit() *txCircuit { return &txCircuit{Tx: NewTx(dataCap)} }

// assignment is the test circuit's witness for tx, with the public values
// go-ethereum gives.
func assignment(t *testing.T, tx *types.Transaction) *txCircuit {
	t.Helper()
	w, sender, err := Assign(tx, dataCap)
	require.NoError(t, err)
	h := types.LatestSignerForChainID(tx.ChainId()).Hash(tx)
	to, create := new(big.Int), 1
	if tx.To() != nil {
		to, create = new(big.Int).SetBytes(tx.To().Bytes()), 0
	}
	value := common.BigToHash(tx.Value())
	fee := common.BigToHash(tx.GasFeeCap())
	return &txCircuit{
		Tx: w, Sender: new(big.Int).SetBytes(sender.Bytes()), ChainID: tx.ChainId(), Nonce: tx.Nonce(),
		HashHi: new(big.Int).SetBytes(h[:16]), HashLo: new(big.Int).SetBytes(h[16:]),
		ValueHi: new(big.Int).SetBytes(value[:16]), ValueLo: new(big.Int).SetBytes(value[16:]), To: to, Create: create,
		Gas: tx.Gas(), GasFeeLo: new(big.Int).SetBytes(fee[16:]),
	}
}

var (
	chainID = big.NewInt(167_001)
	recv    = common.HexToAddress("0x00000000000000000000000000000000000000aa")
)

func key(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("txsig test " + name)))
	require.NoError(t, err)
	return k
}

func sign(t testing.TB, tx types.TxData) *types.Transaction {
	t.Helper()
	return types.MustSignNewTx(key(t, "alice"), types.LatestSignerForChainID(chainID), tx)
}

func bytesOf(n int, b byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b + byte(i)
	}
	return out
}

// TestSignedTransactions proves transactions of every supported type and
// RLP's edge cases (single bytes below and at 0x80, strings of 55 and 56
// bytes, a two-byte length, creations, zero and 256-bit values, the
// largest nonce) with the constraint solver; the sender, signing hash and
// fields must be go-ethereum's.
func TestSignedTransactions(t *testing.T) {
	big200 := new(big.Int).Lsh(big.NewInt(1), 200)
	maxU256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	cases := []struct {
		name string
		tx   types.TxData
	}{
		{"EIP-1559 call", &types.DynamicFeeTx{ChainID: chainID, Nonce: 0, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(1_000_000_000), Gas: 21_000, To: &recv, Data: []byte{1, 2, 3, 4}}},
		{"EIP-1559 creation, 56 bytes, 2^200 wei", &types.DynamicFeeTx{ChainID: chainID, Nonce: 1, GasTipCap: big.NewInt(2), GasFeeCap: big.NewInt(3), Gas: 1_000_000, Data: bytesOf(56, 0x60), Value: big200}},
		{"EIP-1559, 55 bytes, largest value", &types.DynamicFeeTx{ChainID: chainID, Nonce: 1<<64 - 2, GasTipCap: maxU256, GasFeeCap: maxU256, Gas: 1<<64 - 1, To: &recv, Data: bytesOf(55, 1), Value: maxU256}},
		{"EIP-2930, single byte 0x7f everywhere", &types.AccessListTx{ChainID: chainID, Nonce: 0x7f, GasPrice: big.NewInt(0x7f), Gas: 0x7f, To: &recv, Data: []byte{0x7f}, Value: big.NewInt(0x7f)}},
		{"EIP-2930, single byte 0x80 everywhere", &types.AccessListTx{ChainID: chainID, Nonce: 0x80, GasPrice: big.NewInt(0x80), Gas: 0x80, To: &recv, Data: []byte{0x80}, Value: big.NewInt(0x80)}},
		{"EIP-155 legacy, 300 bytes", &types.LegacyTx{Nonce: 9, GasPrice: big.NewInt(7), Gas: 100_000, To: &recv, Data: bytesOf(300, 3), Value: big.NewInt(1)}},
		{"EIP-155 legacy, 255 and no recipient", &types.LegacyTx{Nonce: 256, GasPrice: big.NewInt(0), Gas: 53_000, Data: bytesOf(255, 0)}},
		{"EIP-1559, empty calldata, zero byte of data", &types.DynamicFeeTx{ChainID: chainID, Nonce: 3, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21_000, To: &recv, Data: []byte{0}}},
		{"EIP-1559, no calldata", &types.DynamicFeeTx{ChainID: chainID, Nonce: 4, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21_000, To: &recv}},
	}
	circuit := newTxCircuit()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := assignment(t, sign(t, tc.tx))
			require.NoError(t, test.IsSolved(circuit, a, ecc.BLS12_377.ScalarField()))
		})
	}
}
