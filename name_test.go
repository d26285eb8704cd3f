package saperi

import "testing"

func TestSimilarNames(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Maria Rossi", "maria rossi", true},
		{"Maria Rossi", "Rossi Maria", true},
		{"Maria Rossi", "Maria Rosi", true},
		{"Nicolò D'Amico", "nicolo d amico", true},
		{"Maria Rossi", "Mario Bianchi", false},
		{"Ali", "Alì", true},
		{"Ali", "Ada", false},
	} {
		t.Run(c.a+"/"+c.b, func(t *testing.T) {
			if got := SimilarNames(c.a, c.b); got != c.want {
				t.Errorf("SimilarNames(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
			}
		})
	}
}

func TestPhoneDigits(t *testing.T) {
	for in, want := range map[string]string{"+39 011 000 0001": "0110000001", "011-000-0001": "0110000001",
		"0039 333 1234567": "3331234567", "333 123 4567": "3331234567"} {
		if got := PhoneDigits(in); got != want {
			t.Errorf("PhoneDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHubFindArea(t *testing.T) {
	h := &Hub{Areas: []Area{{Name: "Barriera di Milano", Point: &Point{Lat: 45.09, Lon: 7.70}}, {Name: "Aurora"}}}
	if a, ok := h.FindArea("  barriera  di milano"); !ok || a.Point == nil {
		t.Fatalf("FindArea: %+v %v", a, ok)
	}
	if _, ok := h.FindArea("Vanchiglia"); ok {
		t.Fatal("found an area the hub does not list")
	}
}
