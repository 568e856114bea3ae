package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// deployed is the runtime code of the artifact name built with args.
func deployed(t *testing.T, name string, args ...any) []byte {
	t.Helper()
	a := solidity.MustLoad(name)
	ctor, err := a.ABI.Pack("", args...)
	require.NoError(t, err)
	code, _, _, err := runtime.Create(append(common.CopyBytes(a.Bytecode), ctor...), &runtime.Config{})
	require.NoError(t, err)
	return code
}

// pack is the calldata of method of the artifact name.
func pack(t *testing.T, name, method string, args ...any) []byte {
	t.Helper()
	data, err := solidity.MustLoad(name).ABI.Pack(method, args...)
	require.NoError(t, err)
	return data
}

// sentCall is one transaction of a test batch: its sender's key name, its
// recipient and its calldata.
type sentCall struct {
	from string
	to   common.Address
	data []byte
}

// sentBatch runs the calls over w, each from its sender, signs them
// (each sender's nonces from 0) and returns the header of a batch
// holding them with their outcomes, the transactions and their
// executions.
func sentBatch(t *testing.T, w *world, calls []sentCall) (*Header, []*types.Transaction, []*trace.Transaction) {
	t.Helper()
	signer := types.LatestSignerForChainID(l2Chain)
	nonces := map[string]uint64{}
	var txs []*types.Transaction
	var execs []*trace.Transaction
	for _, c := range calls {
		key := testKey(t, c.from)
		execs = append(execs, w.runFrom(t, crypto.PubkeyToAddress(key.PublicKey), c.to, c.data))
		to := c.to
		txs = append(txs, types.MustSignNewTx(key, signer, &types.DynamicFeeTx{ChainID: l2Chain, Nonce: nonces[c.from], GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 500_000, To: &to, Data: c.data}))
		nonces[c.from]++
	}
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	return h, txs, execs
}

// TestRealContractsBatch proves, in one batch on the ERC20 frame shape
// (and the 2^12 one for the frame that hashes seven times),
// the real contracts issue 9 names, compiled by the pinned solc: an
// ERC20 (solidity/test/Token.sol: mint, approve, transferFrom by the
// spender, transfer), an ERC721 (solidity/test/Deed.sol: mint, approve,
// transferFrom by the approved account, safeTransferFrom to an account
// without code, whose EXTCODESIZE the L2 state tree proves zero, and to
// a DeedReceiver, whose onERC721Received accepts it) and a role-guarded setter
// (solidity/test/Registry.sol: the admin grants the setter role, the
// setter sets, and an account without the role is refused with
// AccessDenied, its transaction reverted), each with its events, from
// three senders. Every segment solves; the L2 state the batch leaves
// holds the tokens, the deed and the value where go-ethereum left them.
func TestRealContractsBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of the ERC20 shape")
	}
	alice, bob, carol := crypto.PubkeyToAddress(testKey(t, "alice").PublicKey), crypto.PubkeyToAddress(testKey(t, "bob").PublicKey), crypto.PubkeyToAddress(testKey(t, "carol").PublicKey)
	token, deed, registry := common.HexToAddress("0x70ce"), common.HexToAddress("0xdeed"), common.HexToAddress("0x4e61")
	receiver := common.HexToAddress("0x4ece")
	admin := crypto.Keccak256Hash([]byte("ADMIN"))
	setter := crypto.Keccak256Hash([]byte("SETTER"))
	// Registry's constructor grants alice ADMIN: _roles (slot 0) of
	// ADMIN, of alice.
	adminSlot := crypto.Keccak256Hash(common.BytesToHash(alice[:]).Bytes(), crypto.Keccak256(admin[:], common.Hash{}.Bytes()))
	w := &world{
		code: map[common.Address][]byte{token: solidity.MustLoad("Token").DeployedBytecode, deed: deployed(t, "Deed", alice), registry: solidity.MustLoad("Registry").DeployedBytecode,
			receiver: solidity.MustLoad("DeedReceiver").DeployedBytecode},
		storage: map[common.Address]map[common.Hash]common.Hash{
			registry: {adminSlot: common.BigToHash(big.NewInt(1))},
		},
	}
	calls := []sentCall{
		{"alice", token, pack(t, "Token", "mint", alice, big.NewInt(100))},
		{"alice", token, pack(t, "Token", "approve", carol, big.NewInt(50))},
		{"carol", token, pack(t, "Token", "transferFrom", alice, bob, big.NewInt(30))},
		{"bob", token, pack(t, "Token", "transfer", carol, big.NewInt(5))},
		{"alice", deed, pack(t, "Deed", "mint", bob, big.NewInt(7))},
		{"bob", deed, pack(t, "Deed", "approve", carol, big.NewInt(7))},
		{"carol", deed, pack(t, "Deed", "transferFrom", bob, alice, big.NewInt(7))},
		{"alice", deed, pack(t, "Deed", "mint", alice, big.NewInt(8))},
		{"alice", deed, pack(t, "Deed", "safeTransferFrom", alice, carol, big.NewInt(8))},
		{"carol", deed, pack(t, "Deed", "safeTransferFrom", carol, receiver, big.NewInt(8))},
		{"alice", registry, pack(t, "Registry", "grantRole", setter, bob)},
		{"bob", registry, pack(t, "Registry", "set", big.NewInt(42))},
		{"carol", registry, pack(t, "Registry", "set", big.NewInt(43))},
	}
	h, txs, execs := sentBatch(t, w, calls)
	for i, e := range execs {
		require.Equal(t, i == len(execs)-1, e.Frames[0].Trace.Reverted, "transaction %d", i)
	}
	denied := solidity.MustLoad("Registry").ABI.Errors["AccessDenied"].ID
	require.Equal(t, denied[:4], execs[len(execs)-1].Frames[0].Trace.ReturnData[:4])
	// Token.transferFrom hashes seven times: the 2^12 shape takes it, the
	// ERC20 shape the other frames.
	c := Capacity{Calldata: 192, Frame: verifier.Shapes[3], Frames: []verifier.Shape{verifier.Shapes[2]}}
	segs, err := witnessesFor(h, noL1, txs, execs, c)
	require.NoError(t, err)
	large, small := len(segmentsOf(segs, KindFrame)), len(segmentsOf(segs, c.FrameKind(0)))
	t.Logf("%d segments: %d frames of the ERC20 shape, %d of the 2^12 one", len(segs), small, large)
	// One frame a transaction, and the receiver's onERC721Received.
	require.Equal(t, len(calls)+1, large+small)
	require.Positive(t, large)
	require.Empty(t, solveAll(t, c, segs))
	// What the frames left, as go-ethereum left it.
	balance := func(a common.Address) common.Hash {
		return w.storage[token][crypto.Keccak256Hash(common.BytesToHash(a[:]).Bytes(), common.BigToHash(big.NewInt(1)).Bytes())]
	}
	require.Equal(t, common.BigToHash(big.NewInt(70)), balance(alice))
	require.Equal(t, common.BigToHash(big.NewInt(25)), balance(bob))
	require.Equal(t, common.BigToHash(big.NewInt(5)), balance(carol))
	owner := func(id int64) common.Hash {
		return w.storage[deed][crypto.Keccak256Hash(common.BigToHash(big.NewInt(id)).Bytes(), common.Hash{}.Bytes())]
	}
	require.Equal(t, common.BytesToHash(alice[:]), owner(7))
	require.Equal(t, common.BytesToHash(receiver[:]), owner(8))
	require.Equal(t, common.BigToHash(big.NewInt(8)), w.storage[receiver][common.Hash{}])
	require.Equal(t, common.BigToHash(big.NewInt(42)), w.storage[registry][common.BigToHash(big.NewInt(1))])
}
