package service_test

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
)

// TestImportFormats imports the same register written three ways: a
// UTF-8 CSV with commas, a CSV saved by Excel in Italy (semicolons,
// Windows-1252) and an XLSX workbook.
func TestImportFormats(t *testing.T) {
	header := []string{"Nome", "Cognome", "Telefono", "E-mail", "Quartiere", "Lingue", "Offre", "Cerca", "Categoria", "Giorni", "Orari", "Colore preferito"}
	rows := [][]string{
		{"Nicolò", "Bianchi", "333 1234567", "", "San Salvario", "italiano, francese", "Ripetizioni di matematica", "", "Scuola", "lun, mer", "15-18", "blu"},
		{"Fatima", "Benali", "", "fatima@example.org", "Aurora", "arabo e italiano", "", "Aiuto con lo SPID", "digitale", "sabato", "mattina", "verde"},
		{"Giuseppe", "Verdi", "011 555 1212", "", "Falchera", "", "Piccole riparazioni", "Compagnia per la spesa", "", "lunedì-venerdì", "9.30-12", ""},
	}
	csvText := func(sep rune) string {
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Comma, w.UseCRLF = sep, true
		_ = w.Write(header)
		_ = w.WriteAll(rows)
		return b.String()
	}
	all := append([][]string{header}, rows...)
	tests := []struct {
		name   string
		file   service.ImportFile
		format string
	}{
		{"CSV, commas, UTF-8", service.ImportFile{Name: "registro.csv", Table: table(t, csvText(','))}, "csv"},
		{"CSV from Excel: semicolons, Windows-1252", service.ImportFile{Name: "registro.csv", Table: table(t, windows1252(t, csvText(';')))}, "csv"},
		{"XLSX", service.ImportFile{Name: "registro.xlsx", Table: xlsx(t, all...)}, "xlsx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openStore(t)
			h := mustHub(t, db, "Portineria San Salvario", "San Salvario")
			r := runImport(t, db, service.ImportOptions{HubID: h.ID}, tc.file)
			if len(r.Problems) != 0 || !r.Written {
				t.Fatalf("problems %+v", r.Problems)
			}
			if r.Counts != (saperi.ImportCounts{People: 3, Postings: 4}) {
				t.Fatalf("counts %+v", r.Counts)
			}
			if f := r.Files[0]; f.Format != tc.format || !slices.Equal(f.Ignored, []string{"Colore preferito"}) {
				t.Errorf("file report %+v", f)
			}
			people := hubPeople(t, db, h.ID)
			nic := people["Nicolò Bianchi"]
			if nic == nil {
				t.Fatalf("people %v", people)
			}
			if nic.Contacts.Phone != "333 1234567" || nic.Area != "San Salvario" || !slices.Equal(nic.Languages, []string{"it", "fr"}) ||
				nic.Point == nil || nic.Consent.Text != saperi.ConsentImported || nic.Consent.By != saperi.ConsentOperator ||
				nic.Consent.RecordedBy != "admin/1" || !nic.Consent.At.Equal(testNow) {
				t.Errorf("Nicolò = %+v", nic)
			}
			if f := people["Fatima Benali"]; f == nil || f.Contacts.Email != "fatima@example.org" || !slices.Equal(f.Languages, []string{"ar", "it"}) {
				t.Errorf("Fatima = %+v", f)
			}
			byTitle := map[string]*saperi.Posting{}
			for _, p := range hubPostings(t, db, h.ID) {
				byTitle[p.Title] = p
			}
			math := byTitle["Ripetizioni di matematica"]
			if math == nil || math.Kind != saperi.Offer || math.Category != "scuola" || math.ProfileID != nic.ID ||
				!slices.Equal(math.Slots, []saperi.Slot{{Day: 1, From: 900, To: 1080}, {Day: 3, From: 900, To: 1080}}) {
				t.Errorf("math = %+v", math)
			}
			spid := byTitle["Aiuto con lo SPID"]
			if spid == nil || spid.Kind != saperi.Need || spid.Category != "digitale" ||
				!slices.Equal(spid.Slots, []saperi.Slot{{Day: 6, From: 540, To: 720}}) {
				t.Errorf("spid = %+v", spid)
			}
			if g := byTitle["Compagnia per la spesa"]; g == nil || len(g.Slots) != 5 || g.Slots[0].From != 570 {
				t.Errorf("Giuseppe's need = %+v", g)
			}
		})
	}
}

// TestImportDryRunReport: the report names row, column and value in the
// operator's language, and nothing is written while a row is invalid.
func TestImportDryRunReport(t *testing.T) {
	db := openStore(t)
	h := mustHub(t, db, "Portineria Aurora", "Aurora")
	text := "nome;cognome;telefono;email;tipo;titolo;categoria;giorni\n" +
		"Maria;Rossi;333 1234567;;cerca;Aiuto per la spesa;cucina;lun\n" +
		"Anna;Neri;333-12;;offre;Ripetizioni;scuola;mar\n" +
		"Paolo;Gallo;;paolo@;offre;Passaggi in auto;varie;ogni tanto\n" +
		";;;;offre;Senza nome;;\n"
	f := service.ImportFile{Name: "registro.csv", Table: table(t, text)}
	r := runImport(t, db, service.ImportOptions{HubID: h.ID, DryRun: true}, f)
	want := []string{
		"riga 3, colonna telefono: «333-12» non è un numero di telefono",
		"riga 4, colonna email: «paolo@» non è un indirizzo email",
		"riga 4, colonna categoria: «varie» non è una categoria; usa una di: scuola, digitale, compagnia, salute, casa, burocrazia, lingue, bambini, cucina, commissioni, lavoro, cultura, sport, verde, animali, altro",
		"riga 4, colonna giorni: «ogni tanto»: scrivi i giorni come lun, mer, ven o lunedì-venerdì",
		"riga 5: la riga non dice chi è la persona (nome e cognome, o id_persona)",
	}
	var got []string
	for _, p := range r.Problems {
		got = append(got, p.Message)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Rows != 4 || r.Invalid != 3 || r.People != 1 || r.Written || r.Counts.People != 1 || r.Counts.Postings != 1 {
		t.Fatalf("report %+v", r)
	}
	if len(hubPeople(t, db, h.ID)) != 0 {
		t.Fatal("a dry run wrote")
	}
	t.Run("without dry run, an invalid row stops everything", func(t *testing.T) {
		r := runImport(t, db, service.ImportOptions{HubID: h.ID}, f)
		if r.Written || len(hubPeople(t, db, h.ID)) != 0 {
			t.Fatal("written despite invalid rows")
		}
	})
	t.Run("skip invalid writes the valid rows", func(t *testing.T) {
		r := runImport(t, db, service.ImportOptions{HubID: h.ID, SkipInvalid: true}, f)
		if !r.Written || r.Counts.People != 1 || len(r.Problems) != 5 {
			t.Fatalf("%+v", r)
		}
		if _, ok := hubPeople(t, db, h.ID)["Maria Rossi"]; !ok {
			t.Fatal("Maria not imported")
		}
	})
	t.Run("English", func(t *testing.T) {
		r, err := service.Import(context.Background(), db, admin, []service.ImportFile{f}, service.ImportOptions{HubID: h.ID, DryRun: true}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if m := service.ProblemText(localizer(t, "en"), r.Problems[0]); m != "row 3, column telefono: “333-12” is not a phone number" {
			t.Fatalf("%q", m)
		}
	})
}

// TestImportIdempotent: importing the same file again creates nothing;
// a person is known by the register's id or by name and phone.
func TestImportIdempotent(t *testing.T) {
	db := openStore(t)
	h := mustHub(t, db, "Portineria Aurora", "Aurora")
	byName := service.ImportFile{Name: "a.csv", Table: table(t, "nome,cognome,telefono,offre,cerca\n"+
		"Maria,Rossi,333 1234567,Torte,Spesa\nMaria,Rossi,333 7654321,Maglia,\nMaria,Rossi,333-1234567,Cucito,\n")}
	r := runImport(t, db, service.ImportOptions{HubID: h.ID}, byName)
	// Two Marias: the first and third rows are one person (same phone).
	if r.Counts != (saperi.ImportCounts{People: 2, Postings: 4}) {
		t.Fatalf("first import %+v", r.Counts)
	}
	r = runImport(t, db, service.ImportOptions{HubID: h.ID}, byName)
	if r.Counts != (saperi.ImportCounts{PeopleExisting: 2, PostingsExisting: 4}) {
		t.Fatalf("second import %+v", r.Counts)
	}
	if n := len(hubPostings(t, db, h.ID)); n != 4 {
		t.Fatalf("%d postings", n)
	}
	dry := runImport(t, db, service.ImportOptions{HubID: h.ID, DryRun: true}, byName)
	if dry.Counts != (saperi.ImportCounts{PeopleExisting: 2, PostingsExisting: 4}) {
		t.Fatalf("dry run of a re-import %+v", dry.Counts)
	}

	t.Run("people and postings in two files, by the register's id", func(t *testing.T) {
		people := service.ImportFile{Name: "persone.csv", Table: table(t, "id;nome e cognome;telefono\nP1;Ahmed Benali;333 1111111\nP2;Carla Neri;\n")}
		posts := service.ImportFile{Name: "annunci.csv", Table: table(t, "id_annuncio;id_persona;tipo;titolo\nA1;P1;offre;Aiuto con il computer\nA2;P2;cerca;Compagnia\nA3;P9;cerca;Qualcosa\n")}
		r := runImport(t, db, service.ImportOptions{HubID: h.ID}, people, posts)
		if r.Written || len(r.Problems) != 1 || r.Problems[0].Message != "riga 4, colonna id_persona: «P9»: nessuna persona con questo riferimento in questa portineria; importa prima le persone" {
			t.Fatalf("%+v", r.Problems)
		}
		r = runImport(t, db, service.ImportOptions{HubID: h.ID, SkipInvalid: true}, people, posts)
		if r.Counts != (saperi.ImportCounts{People: 2, Postings: 2}) {
			t.Fatalf("%+v", r.Counts)
		}
		// The postings file alone, later: the people are found by id.
		more := service.ImportFile{Name: "annunci2.csv", Table: table(t, "id_annuncio;id_persona;tipo;titolo\nA1;P1;offre;Aiuto con il computer\nA4;P2;offre;Lettura ad alta voce\n")}
		r = runImport(t, db, service.ImportOptions{HubID: h.ID}, more)
		if r.Counts != (saperi.ImportCounts{PeopleExisting: 2, Postings: 1, PostingsExisting: 1}) {
			t.Fatalf("%+v %+v", r.Counts, r.Problems)
		}
	})
}

func TestImportMapAndPermissions(t *testing.T) {
	db := openStore(t)
	h1 := mustHub(t, db, "Portineria Aurora", "Aurora")
	h2 := mustHub(t, db, "Portineria Barriera", "Barriera di Milano")
	f := service.ImportFile{Name: "x.csv", Table: table(t, "Chi;Cell. mamma;Sa fare\nLuca Conti;333 2222222;Chitarra\n")}
	r := runImport(t, db, service.ImportOptions{HubID: h1.ID, Map: map[string]string{"Chi": "name", "cell. mamma": "phone", "Sa fare": "offer"}}, f)
	if r.Counts != (saperi.ImportCounts{People: 1, Postings: 1}) {
		t.Fatalf("%+v %+v", r.Counts, r.Problems)
	}
	if _, err := service.Import(context.Background(), db, admin, []service.ImportFile{f},
		service.ImportOptions{HubID: h1.ID, Map: map[string]string{"Chi": "colour"}}, testNow); saperi.ErrorCode(err) != saperi.EINVALID {
		t.Fatalf("unknown field: %v", err)
	}
	op := saperi.Principal{UserID: 7, Role: saperi.RoleOperator, HubID: h2.ID}
	if _, err := service.Import(context.Background(), db, op, []service.ImportFile{f}, service.ImportOptions{HubID: h1.ID}, testNow); saperi.ErrorCode(err) != saperi.EFORBIDDEN {
		t.Fatalf("another hub's operator: %v", err)
	}
	if _, err := service.Import(context.Background(), db, op, []service.ImportFile{f}, service.ImportOptions{HubID: h2.ID, DryRun: true}, testNow); err != nil {
		t.Fatalf("own hub's operator: %v", err)
	}
	if _, err := service.Import(context.Background(), db, saperi.Principal{UserID: 3, Role: saperi.RoleResident, ProfileID: 1},
		[]service.ImportFile{f}, service.ImportOptions{HubID: h1.ID, DryRun: true}, testNow); saperi.ErrorCode(err) != saperi.EFORBIDDEN {
		t.Fatalf("resident: %v", err)
	}
}
