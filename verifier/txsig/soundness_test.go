package txsig

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"
)

// secp256k1N is the order of secp256k1.
var secp256k1N, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)

// withSignatureOf replaces a's signature by the one of b.
func withSignatureOf(a, b *txCircuit) {
	a.Tx.YParity, a.Tx.R, a.Tx.S = b.Tx.YParity, b.Tx.R, b.Tx.S
}

// resignedBy sets a's payload to payload, signed by alice (so that the
// signature is valid and only the payload's relation to the fields is
// wrong).
func resignedBy(t *testing.T, a *txCircuit, payload []byte) *txCircuit {
	t.Helper()
	h := crypto.Keccak256(payload)
	sig, err := crypto.Sign(h, key(t, "alice"))
	require.NoError(t, err)
	assignBytes(a.Tx.Payload, payload)
	a.Tx.PayloadLen = len(payload)
	assignBytes(a.Tx.R, sig[:32])
	assignBytes(a.Tx.S, sig[32:64])
	a.Tx.YParity = sig[64]
	a.HashHi, a.HashLo = new(big.Int).SetBytes(h[:16]), new(big.Int).SetBytes(h[16:])
	return a
}

// nonCanonicalNonce returns the witness of an EIP-1559 transaction whose
// nonce 5 is encoded with a leading zero byte (0x82 0x00 0x05), signed by
// alice over that payload: the signature is valid, the encoding is not
// RLP's.
func nonCanonicalNonce(t *testing.T) *txCircuit {
	t.Helper()
	tx := sign(t, &types.DynamicFeeTx{ChainID: chainID, Nonce: 5, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21_000, To: &recv})
	a := assignment(t, tx)
	payload, err := signingPayload(tx)
	require.NoError(t, err)
	// 0x02, a one-byte list header, the chain id (0x83 0x02 0x8c 0x59),
	// then the nonce.
	require.Equal(t, byte(0xc0+len(payload)-2), payload[1])
	require.Equal(t, []byte{0x83, 0x02, 0x8c, 0x59, 0x05}, payload[2:7])
	forged := append([]byte{0x02, payload[1] + 2}, payload[2:6]...)
	forged = append(forged, 0x82, 0x00, 0x05)
	forged = append(forged, payload[7:]...)
	sig, err := crypto.Sign(crypto.Keccak256(forged), key(t, "alice"))
	require.NoError(t, err)
	assignBytes(a.Tx.Payload, forged)
	a.Tx.PayloadLen = len(forged)
	a.Tx.Nonce.Len = 2
	assignBytes(a.Tx.R, sig[:32])
	assignBytes(a.Tx.S, sig[32:64])
	a.Tx.YParity = sig[64]
	h := crypto.Keccak256(forged)
	a.HashHi, a.HashLo = new(big.Int).SetBytes(h[:16]), new(big.Int).SetBytes(h[16:])
	return a
}

// TestSignatureSoundness checks that the gadget refuses witnesses that
// are not a transaction signed by its sender: each case changes one thing
// of a valid witness.
func TestSignatureSoundness(t *testing.T) {
	base := func() *types.Transaction {
		return sign(t, &types.DynamicFeeTx{ChainID: chainID, Nonce: 7, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Gas: 50_000, To: &recv, Data: []byte{0xde, 0xad}, Value: big.NewInt(9)})
	}
	bob := key(t, "bob")
	resigned := func(tx types.TxData, chain *big.Int) *txCircuit {
		return assignment(t, types.MustSignNewTx(bob, types.LatestSignerForChainID(chain), tx))
	}
	cases := []struct {
		name    string
		witness func() *txCircuit
	}{
		{"another sender claimed", func() *txCircuit {
			a := assignment(t, base())
			a.Sender = new(big.Int).SetBytes(crypto.PubkeyToAddress(bob.PublicKey).Bytes())
			return a
		}},
		{"a field changed under the payload", func() *txCircuit {
			a := assignment(t, base())
			a.Tx.Nonce.Bytes[7] = 8
			a.Nonce = 8
			return a
		}},
		{"a field and the payload changed under the signature", func() *txCircuit {
			a := resigned(&types.DynamicFeeTx{ChainID: chainID, Nonce: 8, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Gas: 50_000, To: &recv, Data: []byte{0xde, 0xad}, Value: big.NewInt(9)}, chainID)
			withSignatureOf(a, assignment(t, base()))
			a.Sender = assignment(t, base()).Sender
			return a
		}},
		{"a signature for another chain id", func() *txCircuit {
			other := assignment(t, types.MustSignNewTx(key(t, "alice"), types.LatestSignerForChainID(big.NewInt(1)), &types.DynamicFeeTx{ChainID: big.NewInt(1), Nonce: 7, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Gas: 50_000, To: &recv, Data: []byte{0xde, 0xad}, Value: big.NewInt(9)}))
			a := assignment(t, base())
			withSignatureOf(a, other)
			return a
		}},
		{"the signing payload's encoding not canonical", func() *txCircuit { return nonCanonicalNonce(t) }},
		{"high s", func() *txCircuit {
			a := assignment(t, base())
			_, _, s := base().RawSignatureValues()
			assignBytes(a.Tx.S, common.BigToHash(new(big.Int).Sub(secp256k1N, s)).Bytes())
			a.Tx.YParity = 1 - a.Tx.YParity.(uint64)
			return a
		}},
		{"payload length off by one", func() *txCircuit {
			a := assignment(t, base())
			a.Tx.PayloadLen = a.Tx.PayloadLen.(int) + 1
			return a
		}},
		{"calldata longer than its length", func() *txCircuit {
			a := assignment(t, base())
			a.Tx.DataLen = 1
			return a
		}},
		{"a creation with a recipient", func() *txCircuit {
			a := assignment(t, sign(t, &types.DynamicFeeTx{ChainID: chainID, Nonce: 7, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Gas: 90_000, Data: []byte{0x60}}))
			assignBytes(a.Tx.To, recv.Bytes())
			a.To = new(big.Int).SetBytes(recv.Bytes())
			return a
		}},
		{"calldata beyond its length, signed", func() *txCircuit {
			// The byte after the calldata is the empty access list 0xc0;
			// a calldata byte beyond the length would add to it.
			a := assignment(t, base())
			payload, err := signingPayload(base())
			require.NoError(t, err)
			require.Equal(t, byte(0xc0), payload[len(payload)-1])
			payload[len(payload)-1]++
			a.Tx.Data[2] = 1
			return resignedBy(t, a, payload)
		}},
		{"no transaction type, signed", func() *txCircuit {
			tx := sign(t, &types.AccessListTx{ChainID: chainID, Nonce: 7, GasPrice: big.NewInt(2), Gas: 50_000, To: &recv})
			a := assignment(t, tx)
			payload, err := signingPayload(tx)
			require.NoError(t, err)
			payload[0] = 0
			a.Tx.AccessList = 0
			return resignedBy(t, a, payload)
		}},
		{"a payload longer than its fields, signed", func() *txCircuit {
			a := assignment(t, base())
			payload, err := signingPayload(base())
			require.NoError(t, err)
			return resignedBy(t, a, append(payload, 0))
		}},
		{"another transaction type", func() *txCircuit {
			a := assignment(t, sign(t, &types.DynamicFeeTx{ChainID: chainID, Nonce: 7, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(2), Gas: 50_000, To: &recv}))
			a.Tx.DynamicFee, a.Tx.AccessList = 0, 1
			return a
		}},
		{"two transaction types", func() *txCircuit {
			a := assignment(t, base())
			a.Tx.AccessList = 1
			return a
		}},
		{"a tip on an access-list transaction", func() *txCircuit {
			a := assignment(t, sign(t, &types.AccessListTx{ChainID: chainID, Nonce: 7, GasPrice: big.NewInt(2), Gas: 50_000, To: &recv}))
			a.Tx.GasTipCap.Bytes[31], a.Tx.GasTipCap.Len = 1, 1
			return a
		}},
	}
	circuit := newTxCircuit()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, test.IsSolved(circuit, tc.witness(), ecc.BLS12_377.ScalarField()))
		})
	}
}

// TestAssignRefuses checks what Assign cannot make a witness of.
func TestAssignRefuses(t *testing.T) {
	alice := key(t, "alice")
	unprotected, err := types.SignNewTx(alice, types.HomesteadSigner{}, &types.LegacyTx{Nonce: 1, GasPrice: big.NewInt(1), Gas: 21_000, To: &recv})
	require.NoError(t, err)
	withList := sign(t, &types.DynamicFeeTx{ChainID: chainID, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 30_000, To: &recv,
		AccessList: types.AccessList{{Address: recv}}})
	blob := types.MustSignNewTx(alice, types.LatestSignerForChainID(chainID), &types.SetCodeTx{ChainID: uint256.MustFromBig(chainID), Gas: 30_000, To: recv})
	wideChain := types.MustSignNewTx(alice, types.LatestSignerForChainID(new(big.Int).Lsh(big.NewInt(1), 70)), &types.DynamicFeeTx{ChainID: new(big.Int).Lsh(big.NewInt(1), 70), GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21_000, To: &recv})
	cases := []struct {
		name string
		tx   *types.Transaction
		err  error
	}{
		{"pre-EIP-155 legacy", unprotected, ErrUnsupported},
		{"access list", withList, ErrUnsupported},
		{"set-code transaction", blob, ErrUnsupported},
		{"chain id above 64 bits", wideChain, ErrUnsupported},
		{"calldata above the capacity", sign(t, &types.DynamicFeeTx{ChainID: chainID, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 90_000, To: &recv, Data: make([]byte, dataCap+1)}), ErrCapacity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Assign(tc.tx, dataCap)
			require.ErrorIs(t, err, tc.err)
		})
	}
}
