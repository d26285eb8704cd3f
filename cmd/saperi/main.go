// Command saperi runs the Saperi service and its maintenance commands.
//
// This is the only package that wires concrete types together: the bbolt
// store, the bleve index, the matcher engine and the Gin server.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT says
// otherwise. Searching allocates fast and most of it is short-lived; with
// the default pacing alone, a weekly run over 100k people once grew the
// heap until the machine ran out of memory (24 GB). The limit makes the
// collector run sooner as the heap nears it; it is not a cap, and below
// the live data it makes the collector run all the time (a 1.5 GiB limit
// doubled the 100k weekly run, whose live data is about 2 GB), so it sits
// above what a city-wide run keeps.
const defaultMemoryLimit = 3 << 30

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the service (default)", runServe},
		{"user", "add or list accounts (the first admin: user add --role admin)", runUser},
		{"token", "create, list or revoke API tokens for integrations", runToken},
		{"seed", "load the demo data into an empty store", runSeed},
		{"import", "import a hub's register of people, offers and needs (CSV, XLSX)", runImport},
		{"export", "export a hub's people, postings or matches (CSV, XLSX)", runExport},
		{"assign", "propose this week's matches (min-cost flow under capacities); --dry-run compares with greedy", runAssign},
		{"digest", "send this week's digests (or --dry-run print them); resumes after a crash", runDigest},
		{"reindex", "rebuild the search index from the store", runReindex},
		{"backup", "write a consistent copy of the store to a file", runBackup},
		{"restore", "put a backup in place as the store of an empty data folder", runRestore},
		{"purge", "complete erasures on disk (rewrite the store, merge the index)", runPurge},
		{"eval", "measure need → offer match quality on an evaluation set", runEval},
		{"bench", "measure speed and memory at scale on generated data", runBench},
		{"soak", "endurance test: mixed load on a served copy, reporting errors, latency, memory, files, goroutines", runSoak},
		{"health", "check that a running server answers (for container health checks)", runHealth},
		{"version", "print the version", runVersion},
	}
}

// Main runs the subcommand named by args[0] (serve when none) and returns
// the process exit code: 0 success, 1 failure, 2 usage error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "serve"
	switch {
	case len(args) == 0 || args[0] == "":
	case isHelp(args[0]):
		usage(stdout) // saperi --help: the commands, not serve's flags
		return 0
	case args[0] == "help" && len(args) > 1:
		name, args = args[1], []string{"--help"} // saperi help <command>
	case args[0] == "help":
		usage(stdout)
		return 0
	case args[0][0] != '-':
		name, args = args[0], args[1:]
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args, stdout, stderr)
		switch {
		case err == nil:
			return 0
		case err == errHelp:
			return 0
		case isUsage(err):
			fmt.Fprintf(stderr, "saperi %s: %v\nRun 'saperi %s --help' for usage.\n", name, err, name)
			return 2
		default:
			fmt.Fprintf(stderr, "saperi %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "saperi: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Saperi matches what people can offer with what people need.")
	fmt.Fprintln(w, "\nUsage: saperi <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nWithout a command, saperi runs serve. 'saperi <command> --help' (or 'saperi help <command>')")
	fmt.Fprintln(w, "lists that command's flags; those that work on data take --data DIR (env SAPERI_DATA, default ./data).")
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "", "Print the version of this binary.", stdout)
	if err := fs.parse(args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saperi %s\n", Version)
	return nil
}

func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var addr string
	f := newFlags("health", "", "Exit 0 when the server at --addr answers /healthz, 1 otherwise.", stdout)
	f.str(&addr, "addr", "SAPERI_ADDR", "127.0.0.1:8080", "address of the server")
	if err := f.parse(args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr %q: %w", addr, err)}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server answered %s", resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
