package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestVotingL1FrameSolves proves the L1 frame of the voting example's
// transaction on its own: Voting.recordVote as the L1CALL runs it, called
// by the ballot box's aliased address, with its tally mapping's hash, its
// SSTORE and its Voted event (LOG3). The L2 frame and the call between
// them are the call-frame work still ahead.
func TestVotingL1FrameSolves(t *testing.T) {
	tr := recordVoteTrace(t, true)
	require.False(t, tr.Reverted)
	require.Len(t, tr.Logs, 1)
	require.Equal(t, crypto.Keccak256Hash([]byte("Voted(address,uint256)")), tr.Logs[0].Topics[0])
	require.Len(t, tr.Storage, 1)
	require.Equal(t, common.BigToHash(big.NewInt(42)), tr.Storage[0].Final)
	ops := map[vm.OpCode]int{}
	for _, st := range tr.Steps {
		ops[st.Op]++
	}
	require.Positive(t, ops[vm.KECCAK256])
	require.Equal(t, 1, ops[vm.LOG3])
	s, err := smallestShape(tr)
	require.NoError(t, err)
	t.Logf("recordVote: %d steps, code %d bytes, shape %s", len(tr.Steps), len(tr.Code), s.Name())
	accepts(t, s, mustAssign(t, tr, s))

	// Called by anyone but the ballot box, it reverts with NotBallotBox,
	// and that is proven too.
	tr = recordVoteTrace(t, false)
	require.True(t, tr.Reverted)
	notBallotBox := solidity.MustLoad("Voting").ABI.Errors["NotBallotBox"].ID
	require.Equal(t, notBallotBox[:4], tr.ReturnData[:4])
	s, err = smallestShape(tr)
	require.NoError(t, err)
	accepts(t, s, mustAssign(t, tr, s))
}

// recordVoteTrace runs Voting.recordVote(voter, 2) as the L1CALL of a
// vote runs it (by the ballot box's aliased address when fromBallot, else
// by another account), over a tally of 41 for proposal 2.
func recordVoteTrace(t testing.TB, fromBallot bool) *trace.Trace {
	t.Helper()
	tr, err := trace.Run(recordVoteCall(t, fromBallot))
	require.NoError(t, err)
	return tr
}

// recordVoteCall is the call recordVoteTrace traces.
func recordVoteCall(t testing.TB, fromBallot bool) trace.Call {
	t.Helper()
	alias := precompiles.Alias(common.HexToAddress("0xba11"))
	voting := solidity.MustLoad("Voting")
	args, err := voting.ABI.Pack("", common.HexToAddress("0xb005"), alias, big.NewInt(3))
	require.NoError(t, err)
	// The deployed code, with its immutables (booster, ballot box,
	// proposals) in place.
	code, _, _, err := runtime.Create(append(common.CopyBytes(voting.Bytecode), args...), &runtime.Config{})
	require.NoError(t, err)
	input, err := voting.ABI.Pack("recordVote", common.HexToAddress("0x7e7e"), big.NewInt(2))
	require.NoError(t, err)
	tallySlot := crypto.Keccak256Hash(common.LeftPadBytes([]byte{2}, 32), make([]byte, 32))
	caller := alias
	if !fromBallot {
		caller = common.HexToAddress("0xbad")
	}
	return trace.Call{Code: code, Input: input, Address: common.HexToAddress("0x0e1"), Caller: caller,
		Storage: map[common.Hash]common.Hash{tallySlot: common.BigToHash(big.NewInt(41))}}
}

// TestVotingL2FrameSolves proves the L2 frame of the voting example's
// transaction on its own: BallotBox.vote with its ballot mapping's hash
// and SSTORE, the L1 library's abi.encodePacked (an MCOPY to an
// unaligned offset), GAS, and the CALL into L1CALL, whose entry in the
// call list binds the input the precompile gets (the Voting address and
// recordVote's calldata) and what it returned. The L1 execution behind
// the precompile is the L1 frame's proof (TestVotingL1FrameSolves).
func TestVotingL2FrameSolves(t *testing.T) {
	voting := common.HexToAddress("0x0e1")
	voter := common.HexToAddress("0x7e7e")
	ballot := solidity.MustLoad("BallotBox")
	args, err := ballot.ABI.Pack("", voting)
	require.NoError(t, err)
	code, _, _, err := runtime.Create(append(common.CopyBytes(ballot.Bytecode), args...), &runtime.Config{})
	require.NoError(t, err)
	input, err := ballot.ABI.Pack("vote", big.NewInt(2))
	require.NoError(t, err)
	tr, err := trace.Run(trace.Call{Code: code, Input: input, Address: common.HexToAddress("0xba11"), Caller: voter})
	require.NoError(t, err)
	require.False(t, tr.Reverted)
	require.Len(t, tr.Calls, 1)
	call := tr.Calls[0]
	require.Equal(t, precompiles.L1CallAddress, call.Callee())
	recordVote, err := solidity.MustLoad("Voting").ABI.Pack("recordVote", voter, big.NewInt(2))
	require.NoError(t, err)
	require.Equal(t, append(voting.Bytes(), recordVote...), call.Input)
	ops := map[vm.OpCode]int{}
	for _, st := range tr.Steps {
		ops[st.Op]++
	}
	require.Positive(t, ops[vm.MCOPY])
	require.Positive(t, ops[vm.KECCAK256])
	// The ballot: proposal + 1 at the voter's slot.
	require.Len(t, tr.Storage, 1)
	require.Equal(t, common.BigToHash(big.NewInt(3)), tr.Storage[0].Final)
	s := Shapes[2]
	w := mustAssign(t, tr, s)
	t.Logf("BallotBox.vote: %d steps, code %d bytes, shape %s", len(tr.Steps), len(tr.Code), s.Name())
	accepts(t, s, w)
	c, err := PublicOf(tr).Commitment(s)
	require.NoError(t, err)
	require.Equal(t, c, w.Commitment)
}

// TestVotingTransactionLinks ties the vote's two frames together: the L2
// frame's call into L1CALL is the L1 frame (Voting.recordVote at the
// target the input names, with the rest of the input as calldata, called
// by the ballot box's aliased address), both frames prove, and the
// transaction leaves the ballot on L2 and the tally on L1. A
// recordVote called by anyone else does not link.
func TestVotingTransactionLinks(t *testing.T) {
	tx := votingTransaction(t, true)
	writes, err := tx.Check(nil)
	require.NoError(t, err)
	require.Len(t, writes, 2)
	require.False(t, writes[0].L1)
	require.Equal(t, common.HexToAddress("0xba11"), writes[0].Address)
	require.Equal(t, common.BigToHash(big.NewInt(3)), writes[0].Value)
	require.True(t, writes[1].L1)
	require.Equal(t, common.HexToAddress("0x0e1"), writes[1].Address)
	require.Equal(t, common.BigToHash(big.NewInt(42)), writes[1].Value)
	for _, f := range tx.Frames {
		accepts(t, Shapes[2], mustAssign(t, f.Trace, Shapes[2]))
	}

	// The same L1 frame with the ballot box's own address as its caller:
	// L1 code would take it for the L1 contract at that address.
	tx = votingTransaction(t, true)
	tx.Frames[1].Trace.Caller = common.HexToAddress("0xba11")
	_, err = tx.Check(nil)
	require.ErrorIs(t, err, ErrLink)
	// With the ballot box's code at its address on L1, the caller is not
	// aliased.
	_, err = tx.Check(func(a common.Address) []byte { return tx.Frames[0].Trace.Code })
	require.NoError(t, err)

	tx = votingTransaction(t, false)
	_, err = tx.Check(nil)
	require.ErrorIs(t, err, ErrLink)
}

// votingTransaction is the vote's L2 frame (BallotBox.vote by 0x7e7e for
// proposal 2) and below its L1CALL the L1 frame recordVoteTrace records.
func votingTransaction(t testing.TB, fromBallot bool) *trace.Transaction {
	t.Helper()
	l2, err := trace.Run(voteCall(t))
	require.NoError(t, err)
	return &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: recordVoteTrace(t, fromBallot), Parent: 0, Call: 0, L1: true}}}
}

// voteCall is BallotBox.vote(2) by 0x7e7e, the ballot box at 0xba11
// over the Voting contract at 0x0e1.
func voteCall(t testing.TB) trace.Call {
	t.Helper()
	ballot := solidity.MustLoad("BallotBox")
	args, err := ballot.ABI.Pack("", common.HexToAddress("0x0e1"))
	require.NoError(t, err)
	code, _, _, err := runtime.Create(append(common.CopyBytes(ballot.Bytecode), args...), &runtime.Config{})
	require.NoError(t, err)
	input, err := ballot.ABI.Pack("vote", big.NewInt(2))
	require.NoError(t, err)
	return trace.Call{Code: code, Input: input, Address: common.HexToAddress("0xba11"), Caller: common.HexToAddress("0x7e7e")}
}
