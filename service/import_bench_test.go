package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
)

// register writes a register of n rows as Excel saves it in Italy
// (semicolons; ASCII here, so the encoding does not matter): one person
// and one offer or need per row.
func register(n int) []byte {
	var b strings.Builder
	b.WriteString("Nome;Cognome;Telefono;Quartiere;Lingue;Tipo;Titolo;Descrizione;Categoria;Giorni;Orari\r\n")
	areas := []string{"Aurora", "San Salvario", "Barriera di Milano", "Vanchiglia", "Crocetta", "Moncalieri"}
	cats := []string{"scuola", "digitale", "compagnia", "casa", "cucina", "lingue"}
	days := []string{"lun", "mar, gio", "lunedì-venerdì", "sabato"}
	hours := []string{"9-12", "15-18", "mattina", "14:30-17:00"}
	for i := 0; i < n; i++ {
		kind, title := "offre", "Aiuto con "
		if i%2 == 1 {
			kind, title = "cerca", "Cerco aiuto per "
		}
		fmt.Fprintf(&b, "Persona;N%d;333 %07d;%s;italiano;%s;%s%s %d;Disponibile per chi ha bisogno;%s;%s;%s\r\n",
			i, i, areas[i%len(areas)], kind, title, cats[i%len(cats)], i, cats[i%len(cats)], days[i%len(days)], hours[i%len(hours)])
	}
	return []byte(b.String())
}

// BenchmarkImport100k imports a register of 100,000 rows (100,000
// people and 100,000 postings) into a real store, durably, in batches of
// the store's bulk path: go test -run XXX -bench Import100k -benchtime 1x ./service
func BenchmarkImport100k(b *testing.B) {
	raw := register(100_000)
	for b.Loop() {
		b.StopTimer()
		db := openStore(b)
		h := mustHub(b, db, "Portineria Aurora", "Aurora")
		b.StartTimer()
		t, err := sheet.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		r, err := service.Import(context.Background(), db, admin, []service.ImportFile{{Name: "registro.csv", Table: t}},
			service.ImportOptions{HubID: h.ID}, testNow)
		if err != nil {
			b.Fatal(err)
		}
		if r.Counts != (saperi.ImportCounts{People: 100_000, Postings: 100_000}) {
			b.Fatalf("%+v %v", r.Counts, r.Problems[:min(3, len(r.Problems))])
		}
	}
}
