// Command kkt runs and reproduces the solvers of the kkt toolkit.
//
// Usage:
//
//	kkt <command> [flags]
//	kkt help <command>
//
// Exit status: 0 solved or converged, 1 ran but did not converge, 2 bad input
// or usage (the message on stderr names the file, line and problem).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one kkt subcommand. Each lives in its own file and registers
// itself from an init function, so packages can add commands independently.
type command struct {
	name    string
	summary string
	// run parses args (everything after the command name) and returns the
	// exit status. stdout and stderr are passed for testability.
	run func(args []string, stdout, stderr io.Writer) int
	// subs names the subcommands whose flags 'kkt help NAME' lists after
	// the command's own usage ("" for none).
	subs []string
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("kkt: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// Exit statuses of the command-line contract.
const (
	exitOK          = 0
	exitNotConverge = 1
	exitBadInput    = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	args, err := applyMemBudget(args)
	if err != nil {
		fmt.Fprintf(stderr, "kkt: %v\n", err)
		return exitBadInput
	}
	if len(args) == 0 {
		usage(stderr)
		return exitBadInput
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c, ok := commands[args[1]]
			if !ok {
				fmt.Fprintf(stderr, "kkt: unknown command %q\n", args[1])
				return exitBadInput
			}
			// Help goes to stdout: kkt help CMD SUB is one subcommand's
			// flags, kkt help CMD the command's and every subcommand's.
			if len(args) > 2 {
				return c.run([]string{args[2], "-h"}, stdout, stdout)
			}
			st := c.run([]string{"-h"}, stdout, stdout)
			for _, sub := range c.subs {
				fmt.Fprintf(stdout, "\n--- kkt %s %s ---\n", c.name, sub)
				c.run([]string{sub, "-h"}, stdout, stdout)
			}
			return st
		}
		usage(stdout)
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "kkt: unknown command %q (run 'kkt help')\n", name)
		return exitBadInput
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kkt: constrained optimization and sparse linear solvers")
	fmt.Fprintln(w, "\nUsage: kkt [--mem-budget SIZE] <command> [flags]   (kkt help <command> for its flags)")
	fmt.Fprintln(w, "\n--mem-budget SIZE (or KKT_MEM_BUDGET) caps the memory a file's declared sizes may imply (default 1/4 of RAM)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
}

// newFlagSet returns a FlagSet for command name that writes usage to stderr
// and does not exit on error.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kkt %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and returns (exit status, done): done is true when
// the caller must return the status. Flags are accepted before and after
// positional arguments (kkt nlp solve HS6 --json and kkt nlp solve --json HS6
// mean the same); "--" ends the flags. The positional arguments are left in
// fs.Args(). A command that takes none rejects them: it calls parseFlags,
// whose done is then true with exit 2 when any positional is present; one
// that takes them calls parsePositional. -h prints the full usage and exits 0;
// an unknown flag or a bad value prints a one-line hint and exits 2.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if st, done := parsePositional(fs, args); done {
		return st, done
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "kkt %s: unexpected argument %q (see 'kkt help %s')\n", fs.Name(), fs.Arg(0), fs.Name())
		return exitBadInput, true
	}
	return 0, false
}

// parsePositional is parseFlags for commands that take positional
// arguments: they are collected, in order, into fs.Args().
func parsePositional(fs *flag.FlagSet, args []string) (int, bool) {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	var err error
	for {
		if err = fs.Parse(args); err != nil {
			break
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...) // everything after "--" is positional
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if err == nil {
		err = fs.Parse(append([]string{"--"}, pos...))
	}
	fs.SetOutput(out)
	fs.Usage = usage
	if err == flag.ErrHelp {
		usage()
		return exitOK, true
	}
	if err != nil {
		fmt.Fprintf(out, "kkt %s: %v (see 'kkt help %s')\n", fs.Name(), err, fs.Name())
		return exitBadInput, true
	}
	noteDeprecated(fs)
	return 0, false
}

// deprecatedAlias makes --old another name of the existing flag --new: it
// sets the same value, so scripts written with the old spelling keep
// working, and parsePositional notes the new spelling on stderr when --old is
// used. The contract's names: --max-iter for every iteration cap, --data DIR
// for the shared data directory only (a single input file's flag is named
// for its content), --out DIR for a directory of results and --<thing>-out
// FILE for one file.
func deprecatedAlias(fs *flag.FlagSet, old, new string) {
	f := fs.Lookup(new)
	if f == nil {
		panic("kkt: deprecatedAlias of undefined flag --" + new)
	}
	fs.Var(f.Value, old, deprecatedPrefix+new+" (deprecated spelling)")
}

const deprecatedPrefix = "same as --"

// noteDeprecated prints, for every deprecated alias set on the command line,
// a one-line note naming the flag's current spelling.
func noteDeprecated(fs *flag.FlagSet) {
	fs.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, deprecatedPrefix) && strings.HasSuffix(f.Usage, "(deprecated spelling)") {
			nw := strings.TrimSuffix(strings.TrimPrefix(f.Usage, deprecatedPrefix), " (deprecated spelling)")
			fmt.Fprintf(fs.Output(), "kkt %s: note: --%s is deprecated; use --%s\n", fs.Name(), f.Name, nw)
		}
	})
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
