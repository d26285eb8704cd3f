package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
	"golang.org/x/text/encoding/charmap"
)

// multipartFiles builds a form with one "file" part per name → content.
func multipartFiles(tb testing.TB, fields map[string]string, files ...[2]string) ([]byte, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f[0])
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// excelCSV is a register as Excel saves it on an Italian Windows.
func excelCSV(tb testing.TB, text string) string {
	tb.Helper()
	s, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestImportAPI: POST /api/v1/imports over real HTTP: the report in the
// caller's language, nothing written while a row is invalid, then the
// valid rows, then nothing twice.
func TestImportAPI(t *testing.T) {
	e := newEnv(t)
	var hub saperi.Hub
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Porta Palazzo", "area": "Aurora"}, &hub)
	file := excelCSV(t, "Nome;Cognome;Telefono;Quartiere;Offre;Cerca;Giorni\r\n"+
		"Nicolò;Bianchi;333 1234567;Aurora;Ripetizioni di matematica;;lun\r\n"+
		"Anna;Neri;333-12;Aurora;;Compagnia;mar\r\n")
	body, ct := multipartFiles(t, nil, [2]string{"registro.csv", file})
	path := fmt.Sprintf("/api/v1/imports?hub=%d", hub.ID)
	var r service.ImportReport
	w := e.do("POST", path, body, "Content-Type", ct, "Accept-Language", "en")
	if w.Code != 422 {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	json.Unmarshal(w.Body.Bytes(), &r)
	if r.Written || len(r.Problems) != 1 || r.Problems[0].Message != "row 3, column Telefono: “333-12” is not a phone number" ||
		r.Files[0].Encoding != sheet.Windows1252 || r.Files[0].Delimiter != ";" {
		t.Fatalf("%+v", r)
	}
	w = e.do("POST", path+"&dry_run=true", body, "Content-Type", ct)
	json.Unmarshal(w.Body.Bytes(), &r)
	if w.Code != 200 || r.Problems[0].Message != "riga 3, colonna Telefono: «333-12» non è un numero di telefono" || r.Counts.People != 1 {
		t.Fatalf("dry run %d %+v", w.Code, r)
	}
	w = e.do("POST", path+"&skip_invalid=true", body, "Content-Type", ct)
	json.Unmarshal(w.Body.Bytes(), &r)
	if w.Code != 201 || r.Counts != (saperi.ImportCounts{People: 1, Postings: 1}) {
		t.Fatalf("skip invalid %d %+v", w.Code, r)
	}
	// A raw XLSX body, the same person: nothing twice.
	var x bytes.Buffer
	sw, _ := sheet.NewWriter(&x, sheet.XLSX, []string{"nome", "cognome", "telefono", "offre"})
	sw.Write([]string{"Nicolò", "Bianchi", "333 1234567", "Ripetizioni di matematica"})
	sw.Close()
	w = e.do("POST", path, x.Bytes(), "Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	json.Unmarshal(w.Body.Bytes(), &r)
	if w.Code != 201 || r.Counts != (saperi.ImportCounts{PeopleExisting: 1, PostingsExisting: 1}) {
		t.Fatalf("re-import %d %+v", w.Code, r)
	}
	if w := e.do("POST", path, "not a spreadsheet \x00\x01", "Content-Type", "text/csv"); w.Code != 200 && w.Code != 422 && w.Code != 400 {
		t.Fatalf("garbage: %d %s", w.Code, w.Body.String())
	}
	t.Run("export", func(t *testing.T) {
		w := e.do("GET", fmt.Sprintf("/api/v1/exports/postings?hub=%d&format=xlsx", hub.ID), nil)
		if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "saperi-annunci-hub") {
			t.Fatalf("%d %v", w.Code, w.Header())
		}
		tab, err := sheet.Parse(w.Body.Bytes())
		if err != nil || len(tab.Rows) != 1 || tab.Rows[0].Fields[3] != "Ripetizioni di matematica" {
			t.Fatalf("%v %+v", err, tab)
		}
		if w := e.do("GET", "/api/v1/exports/nothing", nil); w.Code != 400 {
			t.Fatalf("unknown export: %d", w.Code)
		}
	})
}

// TestImportPage: an operator uploads a register on the page, sees the
// preview, confirms, and follows the progress to the end.
func TestImportPage(t *testing.T) {
	e := newEnv(t)
	var hub saperi.Hub
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Porta Palazzo", "area": "Aurora"}, &hub)
	op := e.addUser("op@example.org", saperi.RoleOperator, hub.ID, 0)
	if w := e.doAs(op, "GET", "/desk", nil); !strings.Contains(w.Body.String(), `href="/desk/import"`) {
		t.Fatal("no way from the desk to the import page")
	}
	page := e.doAs(op, "GET", "/desk/import", nil).Body.String()
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, "/api/v1/exports/people?format=xlsx") {
		t.Fatalf("import page: %s", page)
	}
	file := excelCSV(t, "Nome;Cognome;Telefono;Cerca;Giorni;Orari\r\nJosé;Quispe;333 7654321;Aiuto con il computer;gio;pomeriggio\r\nAnna;Neri;333-12;Compagnia;mar;\r\n")
	body, ct := multipartFiles(t, nil, [2]string{"registro.csv", file})
	w := e.doAs(op, "POST", "/desk/import", body, "Content-Type", ct)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "riga 3, colonna Telefono: «333-12» non è un numero di telefono") ||
		strings.Contains(w.Body.String(), "Conferma e importa") {
		t.Fatalf("preview with an invalid row: %d %s", w.Code, w.Body.String())
	}
	body, ct = multipartFiles(t, map[string]string{"skip_invalid": "on"}, [2]string{"registro.csv", file})
	w = e.doAs(op, "POST", "/desk/import", body, "Content-Type", ct)
	m := regexp.MustCompile(`action="/desk/import/([0-9a-f]+)"`).FindStringSubmatch(w.Body.String())
	if m == nil || !strings.Contains(w.Body.String(), "Conferma e importa") {
		t.Fatalf("preview: %s", w.Body.String())
	}
	if other := e.addUser("op2@example.org", saperi.RoleOperator, hub.ID, 0); e.doAs(other, "POST", "/desk/import/"+m[1], nil).Code != 404 {
		t.Fatal("another account confirmed somebody else's upload")
	}
	w = e.doAs(op, "POST", "/desk/import/"+m[1], nil)
	if w.Code != 303 || w.Header().Get("Location") != "/desk/import/"+m[1] {
		t.Fatalf("confirm: %d %v", w.Code, w.Header())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		w = e.doAs(op, "GET", "/desk/import/"+m[1], nil)
		if strings.Contains(w.Body.String(), "Importate 2 righe") {
			break
		}
		if !strings.Contains(w.Body.String(), "<progress") || w.Header().Get("Refresh") == "" || time.Now().After(deadline) {
			t.Fatalf("progress page: %s", w.Body.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(w.Body.String(), "1 persone nuove") {
		t.Fatalf("result: %s", w.Body.String())
	}
	ps, _ := e.db.Profiles(t.Context(), hub.ID, 0, 10)
	if len(ps) != 1 || ps[0].Name != "José Quispe" || ps[0].Consent.Text != saperi.ConsentImported || !strings.HasPrefix(ps[0].Consent.RecordedBy, "operator/") {
		t.Fatalf("imported %+v", ps)
	}
}
