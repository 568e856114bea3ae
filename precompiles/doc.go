// Package precompiles implements the three L2 precompiles that let L2 code
// use L1 contracts (SPEC §1):
//
//	L1CALL         0x…1000  run a call on L1 state; its writes are kept and recorded
//	L1DELEGATECALL 0x…1001  run an L1 contract's code in the caller's L2 context
//	L1SANDBOXCALL  0x…1002  like L1CALL, but every L1 change is thrown away
//
// The input is abi.encodePacked(address target, bytes data). The output is
// the target's return data; a revert in the target reverts the precompile
// call with the same revert data and the caller keeps its unused gas.
// Failures are the Solidity custom errors [ErrInvalidInput],
// [ErrValueNotAllowed], [ErrUnsupported] and [ErrStaticViolation], returned
// as revert data.
//
// go-ethereum gives a precompile only its input, so an [Env] learns the
// caller, call value, gas and static context of each call from the L2 EVM's
// tracing hooks ([Env.Hooks]), and runs the L1 execution when the EVM asks
// for the gas cost, which is what the L1 execution used plus [BaseGas].
//
// An Env serves one L2 EVM on one goroutine and is not safe for concurrent
// use; the package's functions and error values are.
package precompiles
