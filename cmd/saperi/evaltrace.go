package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// traceLine is one query of `saperi eval --trace`: what the engine made of
// the need and of the offers that mattered (the ranked top ten and every
// relevant offer, ranked or not), for studying mechanisms in aggregate.
type traceLine struct {
	QID      string         `json:"qid"`
	Kind     string         `json:"kind,omitempty"`
	Concepts []string       `json:"concepts"`
	Detail   []traceConcept `json:"detail"`
	Offers   []traceOffer   `json:"offers"`
}

type traceOffer struct {
	ID        string   `json:"id"`
	Relevant  bool     `json:"relevant"`
	Rank      int      `json:"rank"` // 1-based; 0 when not retrieved
	Proposed  bool     `json:"proposed"`
	Score     float64  `json:"score"`
	Relevance float64  `json:"relevance"`
	Fit       float64  `json:"fit"`
	Concept   float64  `json:"concept"`
	Words     float64  `json:"words"`
	Shared    []string `json:"shared"` // via:id of the shared concepts
	Terms     int      `json:"terms"`
	Category  bool     `json:"same_category"`
	Own       []string `json:"own"` // the offer's concepts
}

// writeTrace writes q's trace line to w.
func writeTrace(w io.Writer, a *app, q evalQuery, need *saperi.Posting, ranked []matcher.Ranked, proposed int,
	offerOf map[uint64]string, byID map[string]*saperi.Posting) error {
	ids := func(ms []matcher.ConceptMatch) []string {
		out := make([]string, 0, len(ms))
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	ms := a.ix.Concepts(need)
	line := traceLine{QID: q.QID, Kind: q.Kind, Concepts: ids(ms)}
	for _, m := range ms {
		line.Detail = append(line.Detail, traceConcept{m.ID, m.Strength, m.InTitle, m.Problem})
	}
	rel := map[string]bool{}
	for _, id := range q.Relevant {
		rel[id] = true
	}
	seen := map[string]bool{}
	for i, r := range ranked {
		id := offerOf[r.Posting.ID]
		if i >= 100 && !rel[id] {
			continue
		}
		seen[id] = true
		o := traceOffer{ID: id, Relevant: rel[id], Rank: i + 1, Proposed: i < proposed, Score: r.Score, Relevance: r.Relevance,
			Fit: r.Fit, Concept: r.Breakdown[saperi.FConcept].Value, Words: r.Breakdown[saperi.FText].Value,
			Terms: len(r.Terms), Category: r.Posting.Category == need.Category, Own: ids(a.ix.Concepts(r.Posting))}
		for _, c := range r.Concepts {
			o.Shared = append(o.Shared, c.Via+":"+c.Other.ID)
		}
		line.Offers = append(line.Offers, o)
	}
	for _, id := range q.Relevant {
		if seen[id] {
			continue
		}
		o := traceOffer{ID: id, Relevant: true}
		if p := byID[id]; p != nil {
			o.Own = ids(a.ix.Concepts(p))
			o.Category = p.Category == need.Category
		}
		line.Offers = append(line.Offers, o)
	}
	return json.NewEncoder(w).Encode(line)
}

// postingsByCorpusID maps the corpus ids of offerOf to their postings.
func postingsByCorpusID(ctx context.Context, a *app, offerOf map[uint64]string) (map[string]*saperi.Posting, error) {
	out := make(map[string]*saperi.Posting, len(offerOf))
	err := a.db.ScanPostings(ctx, 1000, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if id, ok := offerOf[p.ID]; ok {
				out[id] = p
			}
		}
		return nil
	})
	return out, err
}

// writeTraceHead writes the trace's first line: every offer's concepts.
func writeTraceHead(w io.Writer, a *app, byID map[string]*saperi.Posting) error {
	head := struct {
		Offers map[string][]traceConcept `json:"offers"`
	}{map[string][]traceConcept{}}
	for id, p := range byID {
		for _, m := range a.ix.Concepts(p) {
			head.Offers[id] = append(head.Offers[id], traceConcept{m.ID, m.Strength, m.InTitle, m.Problem})
		}
	}
	return json.NewEncoder(w).Encode(head)
}

type traceConcept struct {
	ID       string  `json:"id"`
	Strength float64 `json:"strength"`
	InTitle  bool    `json:"in_title"`
	Problem  bool    `json:"problem"`
}
