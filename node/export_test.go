package node

import "crypto/ecdsa"

// SetCrashHook installs the crash tests' hook (crashHook); nil removes it.
func SetCrashHook(f func(point string)) {
	if f == nil {
		crashHook.Store(nil)
		return
	}
	crashHook.Store(&f)
}

// EmbeddedDevKey is the embedded L1's development verifier key.
func EmbeddedDevKey() *ecdsa.PrivateKey { return embeddedDevKey }
