package saperi_test

import (
	"encoding/json"
	"testing"

	"github.com/saperi/saperi"
)

func TestSlotJSON(t *testing.T) {
	tests := []struct {
		name string
		slot saperi.Slot
		json string
	}{
		{"morning", saperi.Slot{Day: 2, From: 9 * 60, To: 12*60 + 30}, `{"day":"tue","from":"09:00","to":"12:30"}`},
		{"midnight to midnight", saperi.Slot{Day: 7, From: 0, To: 24 * 60}, `{"day":"sun","from":"00:00","to":"24:00"}`},
		{"monday evening", saperi.Slot{Day: 1, From: 18*60 + 5, To: 23*60 + 59}, `{"day":"mon","from":"18:05","to":"23:59"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.slot)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.json {
				t.Errorf("Marshal = %s, want %s", b, tt.json)
			}
			var got saperi.Slot
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got != tt.slot {
				t.Errorf("round trip = %+v, want %+v", got, tt.slot)
			}
		})
	}
}

func TestSlotUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want saperi.Slot // zero when the input must be rejected
	}{
		{"upper-case day", `{"day":"TUE","from":"09:00","to":"10:00"}`, saperi.Slot{Day: 2, From: 540, To: 600}},
		{"extra field ignored", `{"day":"fri","from":"00:00","to":"00:01","x":1}`, saperi.Slot{Day: 5, From: 0, To: 1}},
		{"hour 25", `{"day":"mon","from":"25:00","to":"26:00"}`, saperi.Slot{}},
		{"one-digit hour", `{"day":"mon","from":"9:00","to":"12:00"}`, saperi.Slot{}},
		{"minute 60", `{"day":"mon","from":"09:60","to":"12:00"}`, saperi.Slot{}},
		{"past 24:00", `{"day":"mon","from":"09:00","to":"24:01"}`, saperi.Slot{}},
		{"signed hour", `{"day":"mon","from":"+9:00","to":"12:00"}`, saperi.Slot{}},
		{"signed minute", `{"day":"mon","from":"09:+5","to":"12:00"}`, saperi.Slot{}},
		{"space in time", `{"day":"mon","from":" 9:00","to":"12:00"}`, saperi.Slot{}},
		{"wrong separator", `{"day":"mon","from":"09.00","to":"12:00"}`, saperi.Slot{}},
		{"missing to", `{"day":"mon","from":"09:00"}`, saperi.Slot{}},
		{"unknown day", `{"day":"xyz","from":"09:00","to":"12:00"}`, saperi.Slot{}},
		{"empty day", `{"day":"","from":"09:00","to":"12:00"}`, saperi.Slot{}},
		{"day as number", `{"day":2,"from":"09:00","to":"12:00"}`, saperi.Slot{}},
		{"to equals from", `{"day":"mon","from":"09:00","to":"09:00"}`, saperi.Slot{}},
		{"to before from", `{"day":"mon","from":"12:00","to":"09:00"}`, saperi.Slot{}},
		{"from 24:00", `{"day":"mon","from":"24:00","to":"24:00"}`, saperi.Slot{}},
		{"array", `[]`, saperi.Slot{}},
		{"string", `"mon 09:00-12:00"`, saperi.Slot{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got saperi.Slot
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.want == (saperi.Slot{}) {
				wantInvalid(t, err, "slots")
				if got != (saperi.Slot{}) {
					t.Errorf("rejected input still set the slot to %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A bad slot inside a posting surfaces as the domain error, so the web layer
// can answer 400 naming the field.
func TestSlotUnmarshalInPosting(t *testing.T) {
	var p saperi.Posting
	err := json.Unmarshal([]byte(`{"title":"x","slots":[{"day":"mon","from":"12:00","to":"09:00"}]}`), &p)
	wantInvalid(t, err, "slots")
}

func TestOverlapMinutes(t *testing.T) {
	mon := func(from, to int) saperi.Slot { return saperi.Slot{Day: 1, From: from * 60, To: to * 60} }
	tue := func(from, to int) saperi.Slot { return saperi.Slot{Day: 2, From: from * 60, To: to * 60} }
	tests := []struct {
		name string
		a, b []saperi.Slot
		want int
	}{
		{"both empty", nil, nil, 0},
		{"one empty", []saperi.Slot{mon(9, 12)}, nil, 0},
		{"same slot", []saperi.Slot{mon(9, 12)}, []saperi.Slot{mon(9, 12)}, 180},
		{"partial", []saperi.Slot{mon(9, 12)}, []saperi.Slot{mon(11, 14)}, 60},
		{"contained", []saperi.Slot{mon(8, 18)}, []saperi.Slot{mon(10, 11)}, 60},
		{"touching", []saperi.Slot{mon(9, 12)}, []saperi.Slot{mon(12, 14)}, 0},
		{"different days", []saperi.Slot{mon(9, 12)}, []saperi.Slot{tue(9, 12)}, 0},
		{"two days", []saperi.Slot{mon(9, 12), tue(9, 12)}, []saperi.Slot{tue(10, 11), mon(11, 20)}, 120},
		{"one against two", []saperi.Slot{mon(9, 18)}, []saperi.Slot{mon(9, 10), mon(17, 19)}, 120},
		{"duplicates counted once", []saperi.Slot{mon(9, 12), mon(9, 12)}, []saperi.Slot{mon(9, 12)}, 180},
		{"overlapping within a set", []saperi.Slot{mon(9, 12), mon(10, 14)}, []saperi.Slot{mon(8, 20), mon(11, 13)}, 300},
		{"invalid slots ignored", []saperi.Slot{{Day: 1, From: 600, To: 300}}, []saperi.Slot{mon(0, 24)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := saperi.OverlapMinutes(tt.a, tt.b); got != tt.want {
				t.Errorf("OverlapMinutes(a, b) = %d, want %d", got, tt.want)
			}
			if got := saperi.OverlapMinutes(tt.b, tt.a); got != tt.want {
				t.Errorf("OverlapMinutes(b, a) = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestOverlapMinutesDoesNotReorderInput(t *testing.T) {
	a := []saperi.Slot{{Day: 3, From: 600, To: 700}, {Day: 1, From: 0, To: 100}, {Day: 1, From: 50, To: 200}}
	orig := append([]saperi.Slot(nil), a...)
	saperi.OverlapMinutes(a, a)
	for i := range a {
		if a[i] != orig[i] {
			t.Fatalf("input changed: %+v, was %+v", a, orig)
		}
	}
}

func FuzzSlotUnmarshal(f *testing.F) {
	for _, s := range []string{
		`{"day":"tue","from":"09:00","to":"12:30"}`,
		`{"day":"SUN","from":"00:00","to":"24:00"}`,
		`{"day":"mon","from":"25:00","to":"26:00"}`,
		`{"day":"mon","from":"9:00","to":"12:00"}`,
		`{"day":"xyz","from":"09:00","to":"12:00"}`,
		`{"day":"mon","from":"12:00","to":"09:00"}`,
		`{"day":"mon","from":"+9:00","to":"12:00"}`,
		`{"day":"wed","from":"09:00","to":"12:00","day":"thu"}`,
		`{"day":"fri"}`,
		`null`,
		`[]`,
		`{}`,
		`"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s saperi.Slot
		if err := json.Unmarshal(data, &s); err != nil {
			if e := saperi.AsError(err); e != nil && (e.Code != saperi.EINVALID || e.Field != "slots") {
				t.Fatalf("domain error with code %q field %q", e.Code, e.Field)
			}
			return
		}
		if s == (saperi.Slot{}) {
			return // JSON null leaves the slot alone
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted %q as invalid slot %+v: %v", data, s, err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("marshal %+v: %v", s, err)
		}
		var back saperi.Slot
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-marshalled %s does not unmarshal: %v", b, err)
		}
		if back != s {
			t.Fatalf("round trip of %q: %+v → %s → %+v", data, s, b, back)
		}
	})
}
