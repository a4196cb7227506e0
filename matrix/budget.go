package matrix

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

// The memory budget.
//
// Every reader in kkt (Matrix Market, LIBSVM, the CSV and IDX readers of
// sinkhorn, dag and matrix/completion) computes the memory that the sizes a
// file declares imply — row pointers of a CSR matrix, a dense array, a
// factor matrix, a cost matrix — and calls CheckAlloc before allocating. A
// request above the budget fails with an error that wraps ErrTooLarge and
// names the file, the line, the object and its size, so a two-line file
// declaring a 2²⁸×2²⁸ matrix is refused instead of exhausting memory.
//
// The default budget is DefaultBudgetFraction of the machine's physical
// memory (MemTotal in /proc/meminfo; 4 GiB when that cannot be read).
// SetMemoryBudget changes it for the whole process; the kkt command sets it
// from --mem-budget or the KKT_MEM_BUDGET environment variable.

// ErrTooLarge is wrapped by every error that refuses an allocation over the
// memory budget.
var ErrTooLarge = errors.New("over the memory budget")

// DefaultBudgetFraction is the fraction of physical memory that the default
// budget allows.
const DefaultBudgetFraction = 0.25

var budget atomic.Int64

func init() { budget.Store(defaultBudget()) }

func defaultBudget() int64 {
	mem := physicalMemory()
	if mem <= 0 {
		return 4 << 30
	}
	return int64(float64(mem) * DefaultBudgetFraction)
}

// physicalMemory returns MemTotal from /proc/meminfo in bytes, or 0.
func physicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && fs[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fs[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// MemoryBudget returns the current memory budget in bytes.
func MemoryBudget() int64 { return budget.Load() }

// SetMemoryBudget sets the memory budget in bytes and returns the previous
// value; bytes ≤ 0 restores the default.
func SetMemoryBudget(bytes int64) (previous int64) {
	if bytes <= 0 {
		bytes = defaultBudget()
	}
	return budget.Swap(bytes)
}

// ParseBytes parses a size such as "512MiB", "2G", "1.5GB" or "1073741824"
// (suffixes K, M, G, T with optional "B" or "iB" are powers of 1024).
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	u := strings.ToUpper(t)
	u = strings.TrimSuffix(strings.TrimSuffix(u, "B"), "I")
	mult := 1.0
	if n := len(u); n > 0 {
		switch u[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			u = u[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(u), 64)
	if err != nil || !(v > 0) || v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("bad size %q (want a positive number of bytes, e.g. 512MiB or 2G)", s)
	}
	return int64(v * mult), nil
}

// FormatBytes formats n with a binary unit (KiB, MiB, GiB, TiB).
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n)
	k := 0
	for v >= 1024 && k < len(units)-1 {
		v /= 1024
		k++
	}
	if k == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.3g %s", v, units[k])
}

// MulBytes returns the product of its non-negative factors, saturating at
// math.MaxInt64 instead of overflowing (a negative factor counts as 0).
func MulBytes(factors ...int64) int64 {
	p := uint64(1)
	for _, f := range factors {
		if f <= 0 {
			return 0
		}
		hi, lo := bits.Mul64(p, uint64(f))
		if hi != 0 || lo > math.MaxInt64 {
			return math.MaxInt64
		}
		p = lo
	}
	return int64(p)
}

// BudgetError reports an allocation refused by the memory budget. It wraps
// ErrTooLarge. Readers return it inside a *ParseError that names the file
// and the line of the declaration.
type BudgetError struct {
	What   string // what would be allocated, e.g. "a 268435456×268435456 sparse matrix"
	Bytes  int64  // bytes the allocation needs
	Budget int64  // the budget in force
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s needs %s, over the memory budget of %s (raise it with --mem-budget or KKT_MEM_BUDGET)", e.What, FormatBytes(e.Bytes), FormatBytes(e.Budget))
}

// Unwrap returns ErrTooLarge.
func (e *BudgetError) Unwrap() error { return ErrTooLarge }

// CheckAlloc returns an error when bytes exceed the memory budget, and nil
// otherwise. what names the object. When file is not empty the error is a
// *ParseError naming file and line (0 when no line declares the size)
// that wraps a *BudgetError; otherwise it is the *BudgetError itself.
func CheckAlloc(file string, line int, what string, bytes int64) error {
	b := budget.Load()
	if bytes <= b {
		return nil
	}
	be := &BudgetError{What: what, Bytes: bytes, Budget: b}
	if file == "" {
		return be
	}
	return &ParseError{File: file, Line: line, Err: be}
}

// CheckFloats is CheckAlloc for a float64 array with the given dimensions.
func CheckFloats(file string, line int, what string, dims ...int) error {
	f := make([]int64, 0, len(dims)+1)
	for _, d := range dims {
		f = append(f, int64(d))
	}
	f = append(f, 8)
	return CheckAlloc(file, line, what, MulBytes(f...))
}
