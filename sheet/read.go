package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// Encodings a CSV file is read in.
const (
	UTF8        = "utf-8"
	Windows1252 = "windows-1252"
)

// MaxSize is the largest file Read accepts (a register of some hundred
// thousand rows is a few tens of megabytes).
const MaxSize = 64 << 20

// Limits of an XLSX file once unzipped: a small file that inflates to
// gigabytes (a zip bomb) is refused.
const (
	maxUnzipped    = 512 << 20
	maxUnzippedXML = 256 << 20
)

// ErrTooLarge is returned for a file over MaxSize.
var ErrTooLarge = errors.New("sheet: file too large")

// ErrEmpty is returned for a file without a header row.
var ErrEmpty = errors.New("sheet: no header row")

// Table is the first sheet of a file: its header row and its data rows.
// Rows may be shorter or longer than Header. Empty rows are dropped.
type Table struct {
	Format    string // CSV or XLSX
	Encoding  string // CSV only: UTF8 or Windows1252
	Delimiter rune   // CSV only: ',', ';' or '\t'
	Header    []string
	Rows      []Row
}

// Row is one data row and the line it is on in the spreadsheet (the
// header is line 1).
type Row struct {
	Line   int
	Fields []string
}

// Read reads a whole CSV or XLSX file from r; an XLSX file is recognised by
// its content (a zip archive), not its name.
func Read(r io.Reader) (*Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("sheet: read: %w", err)
	}
	if len(b) > MaxSize {
		return nil, ErrTooLarge
	}
	return Parse(b)
}

// Parse reads a file held in memory.
func Parse(b []byte) (*Table, error) {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return ParseXLSX(b)
	}
	return ParseCSV(b)
}

// ParseCSV reads CSV text. Valid UTF-8 (with or without a byte-order mark)
// is read as such; anything else as Windows-1252, the encoding Excel uses
// for "CSV (delimitato da separatore di elenco)" on an Italian Windows. The
// delimiter is the one of ';', ',' and tab that the header line uses most
// outside quotes.
func ParseCSV(b []byte) (*Table, error) {
	t := &Table{Format: CSV, Encoding: UTF8}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			return nil, fmt.Errorf("sheet: decode windows-1252: %w", err)
		}
		b, t.Encoding = dec, Windows1252
	}
	t.Delimiter = sniff(b)
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = t.Delimiter
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{Line: pe.StartLine, Err: pe.Err}
			}
			return nil, fmt.Errorf("sheet: csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		t.add(line, rec)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}

// LineError is a CSV file that cannot be read past a line (an unclosed
// quote).
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("sheet: csv line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// add appends a record read at line: the first non-empty one is the
// header; empty ones are dropped; fields are trimmed.
func (t *Table) add(line int, rec []string) {
	empty := true
	for i, f := range rec {
		rec[i] = strings.TrimSpace(f)
		if rec[i] != "" {
			empty = false
		}
	}
	if empty {
		return
	}
	if t.Header == nil {
		for i, h := range rec {
			rec[i] = strings.TrimPrefix(h, "\ufeff")
		}
		t.Header = rec
		return
	}
	t.Rows = append(t.Rows, Row{Line: line, Fields: rec})
}

// sniff picks the delimiter the first line uses most outside quotes.
func sniff(b []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(b[:min(len(b), 64<<10)]) {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if r == '\n' || r == '\r' {
			break
		}
		if r == ';' || r == ',' || r == '\t' {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// ParseXLSX reads the first sheet of a workbook, each cell as the text
// Excel shows (numbers and dates in the cell's format).
func ParseXLSX(b []byte) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzippedXML})
	if err != nil {
		return nil, fmt.Errorf("sheet: xlsx: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("sheet: xlsx: %w", err)
	}
	defer rows.Close()
	t := &Table{Format: XLSX}
	for line := 1; rows.Next(); line++ {
		rec, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("sheet: xlsx row %d: %w", line, err)
		}
		t.add(line, rec)
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("sheet: xlsx: %w", err)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}
