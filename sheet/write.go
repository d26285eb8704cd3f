package sheet

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Writer writes a header and rows to a CSV or XLSX file.
type Writer interface {
	Write(row []string) error
	// Close finishes the file; nothing is complete before it.
	Close() error
}

// NewWriter returns a writer of format (CSV or XLSX) to w that first
// writes header.
func NewWriter(w io.Writer, format string, header []string) (Writer, error) {
	var sw Writer
	switch format {
	case CSV:
		sw = newCSV(w)
	case XLSX:
		x, err := newXLSX(w)
		if err != nil {
			return nil, err
		}
		sw = x
	default:
		return nil, fmt.Errorf("sheet: unknown format %q", format)
	}
	if err := sw.Write(header); err != nil {
		return nil, err
	}
	return sw, nil
}

// csvWriter writes CSV as Excel reads it on an Italian computer without
// asking: UTF-8 with a byte-order mark (so accents survive), semicolons
// (the Italian list separator, since the comma is the decimal mark), CRLF.
type csvWriter struct{ w *csv.Writer }

func newCSV(w io.Writer) *csvWriter {
	_, _ = io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return &csvWriter{cw}
}

func (c *csvWriter) Write(row []string) error { return c.w.Write(row) }
func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// xlsxWriter streams rows into the first sheet of a new workbook, every
// cell as text (a phone number must not become 3.33E+09).
type xlsxWriter struct {
	out  io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	line int
}

func newXLSX(w io.Writer) (*xlsxWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, fmt.Errorf("sheet: xlsx: %w", err)
	}
	return &xlsxWriter{out: w, f: f, sw: sw}, nil
}

func (x *xlsxWriter) Write(row []string) error {
	x.line++
	cells := make([]any, len(row))
	for i, v := range row {
		cells[i] = excelize.Cell{Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.line)
	if err != nil {
		return err
	}
	if err := x.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("sheet: xlsx row %d: %w", x.line, err)
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: xlsx: %w", err)
	}
	if _, err := x.f.WriteTo(x.out); err != nil {
		return fmt.Errorf("sheet: xlsx: %w", err)
	}
	return nil
}
