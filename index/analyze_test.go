package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"testing"

	"github.com/saperi/saperi/matcher"
)

func TestAnalyze(t *testing.T) {
	ix := openTest(t, newFakeStore())
	tests := []struct {
		name string
		text string
		want []matcher.Token
	}{
		{"drops elided article and stop words", "L'insegnante di matematica",
			[]matcher.Token{{Term: "insegnant", Word: "insegnante"}, {Term: "matematic", Word: "matematica"}}},
		{"articulated preposition", "dell'anziano",
			[]matcher.Token{{Term: "anzian", Word: "anziano"}}},
		{"typographic apostrophe", "Nell’orto sull’Aventino",
			[]matcher.Token{{Term: "ort", Word: "orto"}, {Term: "aventin", Word: "Aventino"}}},
		{"intent and filler words go", "Cerco qualcuno per la spesa",
			[]matcher.Token{{Term: "spes", Word: "spesa"}}},
		{"offer framing goes", "Offro aiuto, sono disponibile: grazie!",
			nil},
		{"accented stop word folded", "PERCHÉ più",
			nil},
		{"keeps case of the surface word", "Dell'Insegnante",
			[]matcher.Token{{Term: "insegnant", Word: "Insegnante"}}},
		{"not an article", "po'", []matcher.Token{{Term: "po", Word: "po"}}},
		{"need framing", "Cerco urgentemente una badante per mia madre anziana",
			[]matcher.Token{{Term: "badant", Word: "badante"}, {Term: "madr", Word: "madre"}, {Term: "anzian", Word: "anziana"}}},
		{"offer framing with disposizione", "Metto a disposizione il mio tempo: ripetizioni di inglese",
			[]matcher.Token{{Term: "temp", Word: "tempo"}, {Term: "ripetizion", Word: "ripetizioni"}, {Term: "ingles", Word: "inglese"}}},
		{"mi serve / qualcuno che", "Mi serve qualcuno che mi aiuti con lo SPID",
			[]matcher.Token{{Term: "spid", Word: "SPID"}}},
		{"feminine trade", "Offro: educatrice e dottoressa",
			[]matcher.Token{{Term: "educator", Word: "educatrice"}, {Term: "dottor", Word: "dottoressa"}}},
		{"hyphenated compound adds the joined word", "assistenza socio-sanitaria",
			[]matcher.Token{{Term: "assistenz", Word: "assistenza"}, {Term: "soc", Word: "socio"},
				{Term: "sociosanitar", Word: "socio-sanitaria"}, {Term: "sanitar", Word: "sanitaria"}}},
		{"hyphen joins only two words", "baby-sitter",
			[]matcher.Token{{Term: "baby", Word: "baby"}, {Term: "babysitter", Word: "baby-sitter"}, {Term: "sitter", Word: "sitter"}}},
		{"un' and quest'", "Un'amica per quest'estate",
			[]matcher.Token{{Term: "amic", Word: "amica"}, {Term: "estat", Word: "estate"}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Analyze(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Analyze(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestAnalyzeSameTerm(t *testing.T) {
	ix := openTest(t, newFakeStore())
	tests := []struct {
		name  string
		words []string
	}{
		{"gender and number", []string{"maestra", "maestro", "maestre", "maestri", "Maestra"}},
		{"elderly", []string{"anziano", "anziana", "anziani", "anziane", "dell'anziano"}},
		{"accent folding", []string{"città", "citta", "cittá", "CITTÀ"}},
		{"short nouns", []string{"spesa", "spese"}},
		{"sockets", []string{"presa", "prese"}},
		{"taken", []string{"preso", "presi"}},
		{"plural in -ioni", []string{"ripetizione", "ripetizioni"}},
		{"decomposed accent", []string{"città", "citta\u0300"}},
		{"agent nouns -tore/-trice", []string{"educatore", "educatrice", "educatori", "educatrici"}},
		{"-tore/-trice short", []string{"attore", "attrice", "attori"}},
		{"-essa feminine", []string{"dottore", "dottoressa", "dottori", "dottoresse"}},
		{"-entessa feminine", []string{"studente", "studentessa", "studenti"}},
		{"-ista", []string{"dentista", "dentisti", "dentiste"}},
		{"-iere/-iera", []string{"infermiere", "infermiera", "infermieri", "infermiere"}},
		{"-aio/-aia", []string{"fornaio", "fornaia", "fornai"}},
		{"-ico/-iche", []string{"medico", "medica", "medici", "mediche"}},
		{"-ologo/-ologhe", []string{"psicologo", "psicologa", "psicologi", "psicologhe"}},
		{"-ante", []string{"badante", "badanti", "la badante"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var terms []string
			for _, w := range tt.words {
				toks := ix.Analyze(w)
				if len(toks) != 1 {
					t.Fatalf("Analyze(%q) = %v, want one token", w, toks)
				}
				terms = append(terms, toks[0].Term)
			}
			for i, term := range terms {
				if term != terms[0] {
					t.Errorf("%q → %q but %q → %q", tt.words[i], term, tt.words[0], terms[0])
				}
			}
		})
	}
}

func TestAnalyzeKeepsDistinctWords(t *testing.T) {
	ix := openTest(t, newFakeStore())
	for _, pair := range [][2]string{{"cane", "casa"}, {"matematica", "musica"}, {"spesa", "sposa"},
		// Masculine and feminine that are different words.
		{"presi", "prese"}, {"preso", "presa"}, {"caso", "casa"}, {"casi", "case"}, {"posto", "posta"},
		{"corso", "corsa"}, {"visto", "vista"}, {"tubo", "tuba"}, {"palo", "pala"}, {"mento", "menta"}, {"cero", "cera"}} {
		a, b := ix.Analyze(pair[0]), ix.Analyze(pair[1])
		if len(a) != 1 || len(b) != 1 || a[0].Term == b[0].Term {
			t.Errorf("%q and %q: %v, %v; want two different terms", pair[0], pair[1], a, b)
		}
	}
}

func TestLightStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"maestra", "maestr"},
		{"educatrice", "educator"},
		{"educatore", "educator"},
		{"professoressa", "professor"},
		{"studentessa", "student"},
		{"promessa", "promess"}, // not an -essa feminine
		{"stessa", "stess"},
		{"interessa", "interess"},
		{"trice", "tric"}, // too short for the -trice rule
		{"amiche", "amic"},
		{"bar", "bar"},
	}
	for _, tt := range tests {
		if got := string(lightStem([]byte(tt.in))); got != tt.want {
			t.Errorf("lightStem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// mappingFingerprint is the SHA-256 of the mapping's JSON for
// MappingVersion. When this test fails, the mapping or analysis changed:
// bump MappingVersion (so existing indexes are rebuilt) and record the new
// fingerprint with the new version.
const mappingFingerprint = "4e82fb6ad311e97cc5a8e559e902813a372652dfc5890d092d35b12178035583"

func TestMappingFingerprint(t *testing.T) {
	im, err := buildMapping()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(im)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	got := hex.EncodeToString(sum[:])
	if MappingVersion != 7 || got != mappingFingerprint {
		t.Errorf("mapping fingerprint %s for version %d, recorded %s for version 7: "+
			"bump MappingVersion when the mapping changes, then record the new fingerprint", got, MappingVersion, mappingFingerprint)
	}
}

func TestMappingStoresNothing(t *testing.T) {
	im, err := buildMapping()
	if err != nil {
		t.Fatal(err)
	}
	dm := im.TypeMapping[docType]
	if dm == nil || dm.Dynamic {
		t.Fatalf("posting mapping %v: want static", dm)
	}
	if im.ScoringModel != "bm25" {
		t.Errorf("ScoringModel = %q, want bm25", im.ScoringModel)
	}
	for name, sub := range dm.Properties {
		if name == "_all" {
			if sub.Enabled {
				t.Error("_all is enabled")
			}
			continue
		}
		for _, f := range sub.Fields {
			if f.Store || f.IncludeInAll || f.IncludeTermVectors {
				t.Errorf("field %s: store %v, include_in_all %v, term vectors %v; want none", name, f.Store, f.IncludeInAll, f.IncludeTermVectors)
			}
		}
	}
}
