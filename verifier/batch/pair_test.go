package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
)

// TestPairSwapBatch proves a Uniswap-V2-style pair (solidity/test/Pair.sol,
// 6.8 KB of code compiled by the pinned solc) in one batch: carol
// presents alice's EIP-2612 permit of the pair's liquidity token
// (Solidity's ecrecover, its return area at an unaligned offset after
// abi.encodePacked of 66 bytes, through an ecrecover segment); bob sends
// 1,000 of token0 to the pair and swaps them for token1 (the pair CALLs
// token1's transfer, decodes its boolean, STATICCALLs both tokens'
// balanceOf, checks the constant product with the 0.3% fee, updates its
// reserves and price accumulators and logs Sync and Swap). The pair's
// frames take the 2^14 shape (its code is above the ERC20 shape's 2 KB),
// the tokens' the ERC20 shape; every segment solves.
func TestPairSwapBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of the 2^14 shape")
	}
	alice, bob := crypto.PubkeyToAddress(testKey(t, "alice").PublicKey), crypto.PubkeyToAddress(testKey(t, "bob").PublicKey)
	carol := crypto.PubkeyToAddress(testKey(t, "carol").PublicKey)
	token0, token1, pair := common.HexToAddress("0x7a00"), common.HexToAddress("0x7a01"), common.HexToAddress("0x9a19")
	pairCode := deployed(t, "Pair", token0, token1)
	tokenCode := solidity.MustLoad("Token").DeployedBytecode
	// The constructor's one storage write: unlocked (slot 8, after the
	// liquidity token's four and the pair's reserves, accumulators and
	// kLast) is 1.
	w := &world{code: map[common.Address][]byte{token0: tokenCode, token1: tokenCode, pair: pairCode},
		storage: map[common.Address]map[common.Hash]common.Hash{pair: {common.BigToHash(big.NewInt(8)): common.BigToHash(big.NewInt(1))}}}
	// The pool before the batch: alice provides 10,000 of each token and
	// takes the liquidity; bob holds 1,000 of token0.
	w.runFrom(t, alice, token0, pack(t, "Token", "mint", pair, big.NewInt(10_000)))
	w.runFrom(t, alice, token1, pack(t, "Token", "mint", pair, big.NewInt(10_000)))
	minted := w.runFrom(t, alice, pair, pack(t, "Pair", "mint", alice))
	require.False(t, minted.Frames[0].Trace.Reverted)
	w.runFrom(t, bob, token0, pack(t, "Token", "mint", bob, big.NewInt(1_000)))

	// alice's permit for carol, signed over the pair's EIP-712 domain.
	domain, _, err := runtime.Execute(pairCode, pack(t, "Pair", "DOMAIN_SEPARATOR"), &runtime.Config{})
	require.NoError(t, err)
	typeHash := crypto.Keccak256Hash([]byte("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"))
	deadline := big.NewInt(100)
	word := func(v *big.Int) []byte { return common.BigToHash(v).Bytes() }
	structHash := crypto.Keccak256(typeHash[:], common.BytesToHash(alice[:]).Bytes(), common.BytesToHash(carol[:]).Bytes(), word(big.NewInt(500)), word(big.NewInt(0)), word(deadline))
	digest := crypto.Keccak256([]byte{0x19, 0x01}, domain, structHash)
	sig, err := crypto.Sign(digest, testKey(t, "alice"))
	require.NoError(t, err)
	var r, s [32]byte
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])

	// 1,000 in with the fee: 997,000 · 10,000 / (10,000,000 + 997,000).
	out := big.NewInt(906)
	permit := pack(t, "Pair", "permit", alice, carol, big.NewInt(500), deadline, sig[64]+27, r, s)
	calls := []sentCall{
		{"carol", pair, permit},
		{"bob", token0, pack(t, "Token", "transfer", pair, big.NewInt(1_000))},
		{"bob", pair, pack(t, "Pair", "swap", big.NewInt(0), out, bob, []byte{})},
	}
	h, txs, execs := sentBatch(t, w, calls)
	for i, e := range execs {
		require.False(t, e.Frames[0].Trace.Reverted, "transaction %d", i)
	}
	allowance := crypto.Keccak256Hash(common.BytesToHash(carol[:]).Bytes(), crypto.Keccak256(common.BytesToHash(alice[:]).Bytes(), common.BigToHash(big.NewInt(2)).Bytes()))
	require.Equal(t, common.BigToHash(big.NewInt(500)), w.storage[pair][allowance])
	swap := execs[2]
	require.Len(t, swap.Frames, 4, "the pair, token1's transfer and both balanceOf")
	balance := func(token, a common.Address) common.Hash {
		return w.storage[token][crypto.Keccak256Hash(common.BytesToHash(a[:]).Bytes(), common.BigToHash(big.NewInt(1)).Bytes())]
	}
	require.Equal(t, common.BigToHash(out), balance(token1, bob))
	require.Equal(t, common.BigToHash(big.NewInt(11_000)), balance(token0, pair))

	c := Capacity{Calldata: 256, Frame: verifier.Shapes[4], Frames: []verifier.Shape{verifier.Shapes[2]}, Ecrecover: 1}
	segs, err := witnessesFor(h, noL1, txs, execs, c)
	require.NoError(t, err)
	large := len(segmentsOf(segs, KindFrame))
	t.Logf("%d segments, %d frames of the 2^14 shape", len(segs), large)
	require.Equal(t, 2, large)
	require.Len(t, segmentsOf(segs, c.EcrecoverKind()), 1, "the permit's signature")
	require.Empty(t, solveAll(t, c, segs))
}
