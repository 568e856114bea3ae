package verifier

// ContractTrace is contractTrace, for the external tests.
var ContractTrace = contractTrace
