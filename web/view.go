package web

import (
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/service"
)

// profileView is a profile as the API shows it: contacts only when the
// reader may see them (the person who just typed them in, or the
// counterpart of a connected match).
type profileView struct {
	ID        uint64             `json:"id"`
	Kind      saperi.ProfileKind `json:"kind"`
	Name      string             `json:"name"`
	HubID     uint64             `json:"hub_id"`
	Area      string             `json:"area"`
	Point     *saperi.Point      `json:"point,omitempty"`
	Languages []string           `json:"languages"`
	Lang      string             `json:"lang,omitempty"`
	Consent   saperi.Consent     `json:"consent"`
	Story     string             `json:"story,omitempty"`
	Contacts  *saperi.Contacts   `json:"contacts,omitempty"`
	Created   time.Time          `json:"created"`
	Updated   time.Time          `json:"updated"`
}

func viewProfile(p *saperi.Profile, withContacts bool) profileView {
	v := profileView{ID: p.ID, Kind: p.Kind, Name: p.Name, HubID: p.HubID, Area: p.Area, Point: p.Point,
		Languages: p.Languages, Lang: p.Lang, Consent: p.Consent, Story: p.Story, Created: p.Created, Updated: p.Updated}
	if v.Languages == nil {
		v.Languages = []string{}
	}
	if withContacts {
		c := p.Contacts
		v.Contacts = &c
	}
	return v
}

// factorView is a breakdown factor with its reason in the reader's language.
type factorView struct {
	saperi.Factor
	Reason string `json:"reason"`
}

// candidateView is one ranked candidate.
type candidateView struct {
	Posting *saperi.Posting `json:"posting"`
	// Proposal is true for the candidates the engine proposes (at or
	// above its threshold, the best few); the others are less suitable.
	Proposal  bool                  `json:"proposal"`
	Score     float64               `json:"score"`
	Relevance float64               `json:"relevance"`
	Fit       float64               `json:"fit"`
	Breakdown map[string]factorView `json:"breakdown"`
	Terms     []saperi.TermMatch    `json:"terms"`
	// Concepts are the concepts the pair shares.
	Concepts []conceptView `json:"concepts"`
	// Reasons say in plain words why, what matched first.
	Reasons []string `json:"reasons"`
}

func viewBreakdown(l *locale.Localizer, b saperi.Breakdown) (map[string]factorView, []string) {
	out := make(map[string]factorView, len(b))
	type pro struct {
		c float64
		r string
	}
	var pros []pro
	for name, f := range b {
		r := l.Reason(f.Key, f.Args)
		out[name] = factorView{Factor: f, Reason: r}
		if f.Value >= 0.6 && f.Weight > 0 {
			pros = append(pros, pro{f.Contribution, r})
		}
	}
	sort.SliceStable(pros, func(i, j int) bool {
		if pros[i].c != pros[j].c {
			return pros[i].c > pros[j].c
		}
		return pros[i].r < pros[j].r
	})
	reasons := make([]string, 0, len(pros))
	for _, p := range pros {
		reasons = append(reasons, p.r)
	}
	return out, reasons
}

func viewCandidate(l *locale.Localizer, r matcher.Ranked) candidateView {
	b, reasons := viewBreakdown(l, withTermWords(l, r.Breakdown, r.Terms))
	terms := r.Terms
	if terms == nil {
		terms = []saperi.TermMatch{}
	}
	return candidateView{Posting: r.Posting, Score: r.Score, Relevance: r.Relevance, Fit: r.Fit, Breakdown: b, Terms: terms,
		Concepts: viewConcepts(r.Concepts), Reasons: reasonTexts(l, r.Reasons, reasons)}
}

// withTermWords returns b with the text reason's words spelled out in the
// reader's language: a word met through a synonym reads "maestra ≈
// insegnante (sinonimo)". b itself is not changed.
func withTermWords(l *locale.Localizer, b saperi.Breakdown, terms []saperi.TermMatch) saperi.Breakdown {
	f, ok := b[saperi.FText]
	if !ok || len(terms) == 0 {
		return b
	}
	words := make([]string, len(terms))
	for i, t := range terms {
		words[i] = t.Word
		if t.Via == saperi.ViaSynonym {
			words[i] = l.T("reason.term.synonym", map[string]any{"Word": t.Word, "Other": t.Other}, t.Word+" ≈ "+t.Other)
		}
	}
	args := make(map[string]any, len(f.Args))
	maps.Copy(args, f.Args)
	args["Words"] = strings.Join(words, ", ")
	f.Args = args
	out := maps.Clone(b)
	out[saperi.FText] = f
	return out
}

// matchView is a match with its reasons and, once both sides accepted, the
// contacts of both parties.
type matchView struct {
	*saperi.Match
	Breakdown map[string]factorView `json:"breakdown"`
	Reasons   []string              `json:"reasons"`
	Contacts  *service.Parties      `json:"contacts,omitempty"`
}
