package matcher

import (
	"testing"

	"github.com/saperi/saperi"
)

func TestProposals(t *testing.T) {
	ranked := func(scores ...float64) []Ranked {
		out := make([]Ranked, len(scores))
		for i, s := range scores {
			out[i] = Ranked{Posting: &saperi.Posting{ID: uint64(i + 1)}, Score: s}
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		in        []Ranked
		threshold float64
		n         int
		want      int
	}{
		{"nothing above the threshold", ranked(0.39, 0.2), 0.4, 3, 0},
		{"stops at the threshold", ranked(0.6, 0.55, 0.3, 0.1), 0.4, 3, 2},
		{"stops where one answers clearly better", ranked(0.9, 0.6, 0.59), 0.4, 3, 1},
		{"close to the best", ranked(0.9, 0.7, 0.68), 0.4, 3, 3},
		{"at most n", ranked(0.9, 0.85, 0.83, 0.82), 0.4, 3, 3},
		{"zero threshold is the default", ranked(DefaultThreshold, DefaultThreshold-0.01), 0, 3, 1},
		{"zero n is MaxProposals", ranked(0.9, 0.9, 0.9, 0.9, 0.9), 0.4, 0, MaxProposals},
		{"empty", nil, 0.4, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Proposals(tc.in, tc.threshold, tc.n)
			if len(got) != tc.want {
				t.Fatalf("got %d proposals, want %d", len(got), tc.want)
			}
			for i, r := range got {
				if r.Posting.ID != tc.in[i].Posting.ID {
					t.Fatalf("proposal %d is %d: proposals must be the leading candidates", i, r.Posting.ID)
				}
			}
		})
	}
}
