//go:build !linux

package main

// peakRSS is 0 where the example does not read the process's peak
// resident memory (it reads it on Linux).
func peakRSS() uint64 { return 0 }
