package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
	"github.com/saperi/saperi/store"
	"golang.org/x/term"
)

// cli is who the import and export commands act as: whoever can read the
// data folder can read the store file anyway.
var cli = saperi.Principal{Role: saperi.RoleAdmin, Name: "cli"}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c                   common
		hub                 int
		dryRun, skipInvalid bool
		lang                string
	)
	mapping := map[string]string{}
	f := newFlags("import", "FILE...", "Import a hub's register (CSV or XLSX) of people and their offers and needs.\n"+
		"Columns are recognised by name in Italian or English (nome, cognome, telefono, email,\n"+
		"quartiere, lingue, offre, cerca, tipo, titolo, descrizione, categoria, giorni, orari…);\n"+
		"--map names others. People and postings may be in one file or two (people first).\n"+
		"Nothing is written while any row is invalid, unless --skip-invalid; --dry-run only\n"+
		"checks and prints the report. Importing the same file again creates nothing twice.\n"+
		"Stop the server first (the store file is locked while it runs), or use the import\n"+
		"page or POST /api/v1/imports.", stdout)
	f.common(&c)
	f.int(&hub, "hub", "", 0, "id of the hub (portineria) whose register this is (required)")
	f.bool(&dryRun, "dry-run", "", false, "check and report, write nothing")
	f.bool(&skipInvalid, "skip-invalid", "", false, "import the valid rows even when some are invalid")
	f.str(&lang, "lang", "SAPERI_LANG", "it", "language of the report (it, en)")
	f.fs.Func("map", "column=field: read a column as a field (repeatable); fields: "+strings.Join(service.ImportFields, ", "), func(s string) error {
		col, field, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(col) == "" {
			return fmt.Errorf("write --map column=field")
		}
		mapping[strings.TrimSpace(col)] = strings.TrimSpace(field)
		return nil
	})
	if err := f.parse(args); err != nil {
		return err
	}
	if hub <= 0 {
		return usageError{errors.New("--hub is required: the id of the hub whose register this is")}
	}
	if f.fs.NArg() == 0 {
		return usageError{errors.New("give the FILE to import")}
	}
	var files []service.ImportFile
	for _, name := range f.fs.Args() {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		t, err := sheet.Read(fh)
		fh.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, service.ImportFile{Name: filepath.Base(name), Table: t})
	}
	db, err := openStoreOnly(c.Data)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := locale.New()
	if err != nil {
		return err
	}
	l := cat.For(lang)
	start := time.Now()
	bar := newProgress(stderr, "import")
	r, err := service.Import(ctx, db, cli, files, service.ImportOptions{HubID: uint64(hub), DryRun: dryRun,
		SkipInvalid: skipInvalid, Map: mapping, Actor: "cli/import", Progress: bar.set}, time.Now())
	bar.done()
	if err != nil {
		if e := saperi.AsError(err); e != nil {
			return errors.New(l.T(e.Key, e.Args, e.Message))
		}
		return err
	}
	r.Translate(l)
	printImport(stdout, l, r, time.Since(start))
	if len(r.Problems) > 0 && !r.Written && !r.DryRun {
		return errors.New(l.T("import.cli.nothing", nil, "nothing imported: fix the rows above, or use --skip-invalid"))
	}
	return nil
}

// openStoreOnly opens the store file of data, which must exist.
func openStoreOnly(data string) (*store.DB, error) {
	if _, err := os.Stat(storePath(data)); err != nil {
		return nil, fmt.Errorf("no store at %s (check --data; saperi serve or seed creates one): %w", storePath(data), err)
	}
	db, err := store.Open(storePath(data))
	if err != nil {
		return nil, fmt.Errorf("%w (is a server running on this data folder? stop it, or use the page or the API)", err)
	}
	return db, nil
}

func printImport(w io.Writer, l *locale.Localizer, r *service.ImportReport, took time.Duration) {
	for _, f := range r.Files {
		cols := make([]string, len(f.Columns))
		for i, c := range f.Columns {
			cols[i] = c.Column + "→" + c.Field
		}
		fmt.Fprintln(w, l.T("import.cli.file", map[string]any{"Name": f.Name, "Format": strings.ToUpper(f.Format),
			"Encoding": f.Encoding, "Delimiter": f.Delimiter, "Rows": f.Rows}, ""))
		fmt.Fprintln(w, "  "+l.T("import.cli.columns", map[string]any{"Columns": strings.Join(cols, ", ")}, ""))
		if len(f.Ignored) > 0 {
			fmt.Fprintln(w, "  "+l.T("import.cli.ignored", map[string]any{"Columns": strings.Join(f.Ignored, ", ")}, ""))
		}
	}
	for _, p := range r.Problems {
		if len(r.Files) > 1 {
			fmt.Fprintf(w, "%s: ", p.File)
		}
		fmt.Fprintln(w, p.Message)
	}
	args := map[string]any{"Rows": r.Rows, "Invalid": r.Invalid, "People": r.Counts.People, "PeopleExisting": r.Counts.PeopleExisting,
		"Postings": r.Counts.Postings, "PostingsExisting": r.Counts.PostingsExisting, "Seconds": fmt.Sprintf("%.1f", took.Seconds())}
	switch {
	case r.Written:
		fmt.Fprintln(w, l.T("import.cli.written", args, ""))
	default:
		fmt.Fprintln(w, l.T("import.cli.checked", args, ""))
	}
}

// progress draws a progress bar on a terminal, or a line per tenth on
// anything else (a log).
type progress struct {
	w     io.Writer
	label string
	tty   bool
	last  int
	shown bool
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, last: -1}
	if f, ok := w.(*os.File); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

func (p *progress) set(done, total int) {
	if total == 0 {
		return
	}
	pct := done * 100 / total
	if p.tty {
		const width = 30
		n := done * width / total
		fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %d/%d", p.label, strings.Repeat("█", n), strings.Repeat("·", width-n), pct, done, total)
		p.shown = true
		return
	}
	if pct/10 != p.last/10 || done == total {
		p.last = pct
		fmt.Fprintf(p.w, "%s: %d%% (%d/%d)\n", p.label, pct, done, total)
	}
}

func (p *progress) done() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c                 common
		hub               int
		what, format, out string
	)
	f := newFlags("export", "", "Export a hub's people, postings or matches as a spreadsheet (CSV as Excel opens it in\n"+
		"Italy: UTF-8, semicolons; or XLSX), with Italian column names and dates. The people and\n"+
		"postings exports import back (saperi import persone.csv annunci.csv).", stdout)
	f.common(&c)
	f.int(&hub, "hub", "", 0, "id of the hub to export (0: every hub)")
	f.str(&what, "what", "", "people", "people, postings or matches")
	f.str(&format, "format", "", "csv", "csv or xlsx")
	f.str(&out, "out", "", "", "file to write (default: standard output)")
	if err := f.parse(args); err != nil {
		return err
	}
	if what != service.ExportPeople && what != service.ExportPostings && what != service.ExportMatches {
		return usageError{fmt.Errorf("--what %q: use people, postings or matches", what)}
	}
	if format != sheet.CSV && format != sheet.XLSX {
		return usageError{fmt.Errorf("--format %q: use csv or xlsx", format)}
	}
	db, err := openStoreOnly(c.Data)
	if err != nil {
		return err
	}
	defer db.Close()
	w := stdout
	var tmp *os.File
	if out != "" {
		if tmp, err = os.CreateTemp(filepath.Dir(out), ".saperi-export-*"); err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		w = tmp
	}
	n, err := service.Export(ctx, db, cli, service.ExportOptions{What: what, Format: format, HubID: uint64(hub), Now: time.Now()}, w)
	if err != nil {
		return err
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%d rows written to %s.\n", n, out)
	}
	return nil
}
