package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/boosterkit/go-booster/verifier"
)

func main() {
	dir := flag.String("keys", "", "key directory (default: GO_BOOSTER_KEYS or verifier.DefaultKeyDir())")
	flag.Parse()
	if *dir == "" {
		*dir = os.Getenv("GO_BOOSTER_KEYS")
	}
	if *dir == "" {
		*dir = verifier.DefaultKeyDir()
	}
	removed, err := verifier.PruneKeys(*dir, verifier.Shapes...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "prunekeys:", err)
		os.Exit(1)
	}
	for _, set := range removed {
		fmt.Println("removed", set)
	}
	fmt.Printf("%d stale key sets removed from %s\n", len(removed), *dir)
}
