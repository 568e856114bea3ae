package node

// SetCrashHook installs the crash tests' hook (crashHook); nil removes it.
func SetCrashHook(f func(point string)) {
	if f == nil {
		crashHook.Store(nil)
		return
	}
	crashHook.Store(&f)
}
