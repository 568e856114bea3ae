// Command booster runs a booster node: an Ethereum JSON-RPC endpoint for
// an L2 whose batches settle on an L1 booster contract.
//
//	go run ./cmd/booster                      # embedded simulated L1, in memory, JSON-RPC on 127.0.0.1:8545
//	go run ./cmd/booster -l1.url http://127.0.0.1:8546 -booster.contract 0x... \
//	    -l1.keyfile l1.key -dev.keyfile dev.key -datadir ./data
//
// Every flag can also be given in a JSON config file (-config), whose keys
// are the flag names; flags given on the command line win. It logs with
// log/slog and stops cleanly on SIGINT and SIGTERM.
package main
