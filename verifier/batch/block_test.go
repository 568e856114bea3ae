package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
)

// parseCircuit checks parseHeader's context words against given ones.
type parseCircuit struct {
	Header  []frontend.Variable
	Length  frontend.Variable
	Context [contextWords][2]frontend.Variable
}

func (c *parseCircuit) Define(api frontend.API) error {
	for _, b := range c.Header {
		api.ToBinary(b, 8)
	}
	ctx, err := parseHeader(api, c.Header, c.Length)
	if err != nil {
		return err
	}
	for i, w := range ctx {
		api.AssertIsEqual(w.Hi, c.Context[i][0])
		api.AssertIsEqual(w.Lo, c.Context[i][1])
	}
	return nil
}

// pinnedHeader is an Osaka L1 block header with the values given.
func pinnedHeader(number, time, gasLimit uint64, baseFee *big.Int, extra []byte) *types.Header {
	zero := uint64(0)
	root := common.HexToHash("0x5eed")
	return &types.Header{ParentHash: common.HexToHash("0x01"), UncleHash: types.EmptyUncleHash, Coinbase: common.HexToAddress("0xc0ffee00000000000000000000000000000000c0"),
		Root: root, TxHash: types.EmptyTxsHash, ReceiptHash: types.EmptyReceiptsHash, Difficulty: new(big.Int), Number: new(big.Int).SetUint64(number),
		GasLimit: gasLimit, GasUsed: 21_000, Time: time, Extra: extra, MixDigest: common.HexToHash("0x7a4d0"), BaseFee: baseFee,
		WithdrawalsHash: &types.EmptyWithdrawalsHash, BlobGasUsed: &zero, ExcessBlobGas: &zero, ParentBeaconRoot: &root, RequestsHash: &types.EmptyRequestsHash}
}

// TestParseHeader checks the block segment's reading of an L1 block
// header against go-ethereum's encoding, on the edges of RLP's scalars
// (zero, a single byte below 0x80, one at 0x80, eight bytes, a 32-byte
// base fee) and of the extra data (none, one byte, 32): each header's
// context solves, and each with one value changed is refused; so is a
// header with a difficulty, one with a byte past its length, and a
// length other than its list's.
func TestParseHeader(t *testing.T) {
	big2 := func(e uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), e) }
	max256 := new(big.Int).Sub(big2(256), big.NewInt(1))
	headers := []*types.Header{
		pinnedHeader(5, 1_700_000_000, 30_000_000, big.NewInt(7), nil),
		pinnedHeader(0, 0, 0, new(big.Int), []byte{0x42}),
		pinnedHeader(0x80, 0x7f, 1<<63, big2(100), make([]byte, 32)),
		pinnedHeader(1<<40, ^uint64(0), 0x81, max256, []byte{0x80}),
		// Before London: no base fee (BASEFEE reads zero).
		{ParentHash: common.HexToHash("0x01"), UncleHash: types.EmptyUncleHash, Difficulty: new(big.Int), Number: big.NewInt(9), GasLimit: 8_000_000, Time: 9},
	}
	field := ecc.BLS12_377.ScalarField()
	const capacity = DefaultL1Block
	assign := func(t *testing.T, h *types.Header) *parseCircuit {
		enc, err := rlp.EncodeToBytes(h)
		require.NoError(t, err)
		require.LessOrEqual(t, len(enc), capacity)
		a := &parseCircuit{Header: make([]frontend.Variable, capacity), Length: len(enc)}
		for i := range a.Header {
			a.Header[i] = 0
			if i < len(enc) {
				a.Header[i] = enc[i]
			}
		}
		// The words as the EVM circuit holds them (chain id and gas
		// price zero: the block segment gives the chain id).
		c := l1Context(h, new(big.Int))
		for i, op := range contextOps {
			w := blockOps[op](&c)
			b := w.Bytes32()
			a.Context[i] = [2]frontend.Variable{new(big.Int).SetBytes(b[:16]), new(big.Int).SetBytes(b[16:])}
		}
		return a
	}
	circuit := &parseCircuit{Header: make([]frontend.Variable, capacity)}
	for i, h := range headers {
		t.Run(fmt.Sprintf("header %d", i), func(t *testing.T) {
			require.NoError(t, test.IsSolved(circuit, assign(t, h), field))
			for j := range contextWords {
				if j == verifier.ContextChainID || j == contextWords-1 {
					continue
				}
				a := assign(t, h)
				a.Context[j][1] = new(big.Int).Add(toBig(a.Context[j][1]), big.NewInt(1))
				require.Error(t, test.IsSolved(circuit, a, field), "context word %d changed", j)
			}
			a := assign(t, h)
			a.Header[capacity-1] = 1
			require.Error(t, test.IsSolved(circuit, a, field), "a byte past the header")
			a = assign(t, h)
			a.Length = toBig(a.Length).Int64() + 1
			require.Error(t, test.IsSolved(circuit, a, field), "a length past the list's")
		})
	}
	t.Run("a difficulty", func(t *testing.T) {
		h := pinnedHeader(5, 1, 1, big.NewInt(7), nil)
		h.Difficulty = big.NewInt(2)
		require.Error(t, test.IsSolved(circuit, assign(t, h), field))
	})
}

// toBig is an assigned value as an integer.
func toBig(v frontend.Variable) *big.Int {
	e := feOf(v)
	return e.BigInt(new(big.Int))
}
