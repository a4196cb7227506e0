//go:build unix

package atomicfile

import (
	"os"
	"sync"
	"syscall"
)

var (
	umaskOnce sync.Once
	umaskVal  os.FileMode
)

// umask returns the process umask (read once; syscall.Umask sets and
// restores it, which is why the result is cached).
func umask() os.FileMode {
	umaskOnce.Do(func() {
		m := syscall.Umask(0)
		syscall.Umask(m)
		umaskVal = os.FileMode(m)
	})
	return umaskVal
}
