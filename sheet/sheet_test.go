package sheet_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/saperi/saperi/sheet"
	"golang.org/x/text/encoding/charmap"
)

func TestParseCSV(t *testing.T) {
	win, err := charmap.Windows1252.NewEncoder().String("nome;quartiere;descrizione\r\nNicolò;Borgo Po;\"Caffè; già \"\"pronto\"\"\"\r\n;;\r\nJosé;Crocetta;€ 5\r\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		in     string
		enc    string
		delim  rune
		header []string
		rows   [][]string
		lines  []int
	}{
		{"utf-8 commas", "nome,email\nMaria,maria@example.org\n", sheet.UTF8, ',', []string{"nome", "email"},
			[][]string{{"Maria", "maria@example.org"}}, []int{2}},
		{"utf-8 with BOM and semicolons", "\ufeffnome;quartiere\r\nNicolò ; San Salvario\r\n", sheet.UTF8, ';', []string{"nome", "quartiere"},
			[][]string{{"Nicolò", "San Salvario"}}, []int{2}},
		{"Excel in Italy: windows-1252, semicolons, empty rows skipped", win, sheet.Windows1252, ';', []string{"nome", "quartiere", "descrizione"},
			[][]string{{"Nicolò", "Borgo Po", `Caffè; già "pronto"`}, {"José", "Crocetta", "€ 5"}}, []int{2, 4}},
		{"tabs", "nome\ttelefono\nAnna\t333 1234567\n", sheet.UTF8, '\t', []string{"nome", "telefono"},
			[][]string{{"Anna", "333 1234567"}}, []int{2}},
		{"a quoted line break keeps line numbers", "nome,note\nA,\"due\nrighe\"\nB,x\n", sheet.UTF8, ',', []string{"nome", "note"},
			[][]string{{"A", "due\nrighe"}, {"B", "x"}}, []int{2, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := sheet.Parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if tab.Format != sheet.CSV || tab.Encoding != tc.enc || tab.Delimiter != tc.delim {
				t.Errorf("format %s encoding %s delimiter %q", tab.Format, tab.Encoding, tab.Delimiter)
			}
			if !slices.Equal(tab.Header, tc.header) {
				t.Errorf("header %q, want %q", tab.Header, tc.header)
			}
			if len(tab.Rows) != len(tc.rows) {
				t.Fatalf("rows %+v", tab.Rows)
			}
			for i, r := range tab.Rows {
				if !slices.Equal(r.Fields, tc.rows[i]) || r.Line != tc.lines[i] {
					t.Errorf("row %d: line %d %q, want line %d %q", i, r.Line, r.Fields, tc.lines[i], tc.rows[i])
				}
			}
		})
	}
	if _, err := sheet.Parse([]byte("\n \n")); !errors.Is(err, sheet.ErrEmpty) {
		t.Errorf("empty file: %v", err)
	}
}

// TestWriteRead writes both formats and reads them back.
func TestWriteRead(t *testing.T) {
	header := []string{"nome", "telefono", "note"}
	rows := [][]string{{"Nicolò Bianchi", "0039 333 1234567", "ripetizioni; “virgolette”"}, {"Fatima", "011 555 12 12", "riga\nnuova"}}
	for _, format := range []string{sheet.CSV, sheet.XLSX} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := sheet.NewWriter(&buf, format, header)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			tab, err := sheet.Parse(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if tab.Format != format || !slices.Equal(tab.Header, header) || len(tab.Rows) != 2 {
				t.Fatalf("read back %+v", tab)
			}
			for i, r := range tab.Rows {
				if !slices.Equal(r.Fields, rows[i]) {
					t.Errorf("row %d: %q, want %q", i, r.Fields, rows[i])
				}
			}
		})
	}
}

func TestXLSXNotAWorkbook(t *testing.T) {
	if _, err := sheet.Parse([]byte("PK\x03\x04garbage")); err == nil {
		t.Fatal("a broken zip must be an error")
	}
}

// FuzzParse: any bytes give a table or an error, never a panic, and every
// row carries a line after the header's.
func FuzzParse(f *testing.F) {
	f.Add([]byte("nome;telefono\nMaria;333\n"))
	f.Add([]byte("\ufeffnome,cerca\n\"a,b\",\"c\"\"d\"\n"))
	f.Add([]byte("n\xe9;x\n\"unclosed\n"))
	var buf bytes.Buffer
	w, _ := sheet.NewWriter(&buf, sheet.XLSX, []string{"nome", "offre"})
	_ = w.Write([]string{"Anna", "Ripetizioni"})
	_ = w.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := sheet.Parse(b)
		if err != nil {
			return
		}
		if len(tab.Header) == 0 {
			t.Fatal("a table without a header")
		}
		last := 0
		for _, r := range tab.Rows {
			if r.Line <= last || r.Line < 2 {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
		}
	})
}
