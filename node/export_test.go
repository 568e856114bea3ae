package node

// SetCrashHook installs the crash tests' hook (crashHook).
func SetCrashHook(f func(point string)) { crashHook = f }
