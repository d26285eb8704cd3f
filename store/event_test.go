package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/saperi/saperi"
)

func TestEvents(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	anna := mustProfile(t, db, h.ID, "Anna")                            // event 1
	bruno := mustProfile(t, db, h.ID, "Bruno")                          // event 2
	mustPosting(t, db, anna, saperi.Offer, "Ripetizioni di matematica") // event 3
	mustPosting(t, db, bruno, saperi.Need, "Aiuto con lo SPID")         // event 4
	mustPosting(t, db, anna, saperi.Need, "Compagnia la sera")          // event 5
	if err := db.ImportPostings(ctx, []*saperi.Posting{newPosting(bruno, saperi.Offer, "Giardinaggio")}, saperi.Event{}); err != nil {
		t.Fatal(err) // event 6, on nobody's behalf
	}

	tests := []struct {
		name           string
		profile, after uint64
		limit          int
		want           []uint64
	}{
		{"all", 0, 0, 0, []uint64{1, 2, 3, 4, 5, 6}},
		{"page", 0, 2, 2, []uint64{3, 4}},
		{"anna", anna.ID, 0, 0, []uint64{1, 3, 5}},
		{"anna after", anna.ID, 3, 0, []uint64{5}},
		{"bruno page", bruno.ID, 0, 1, []uint64{2}},
		{"nobody", 99, 0, 0, []uint64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := db.Events(ctx, tt.profile, tt.after, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			got := []uint64{}
			for _, ev := range evs {
				got = append(got, ev.ID)
				if tt.profile != 0 && ev.OnBehalfOf != tt.profile {
					t.Errorf("event %+v is not on behalf of %d", ev, tt.profile)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}
