package web

import (
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
)

// NoProposalCode is the API's code for a posting with candidates but
// none good enough to propose (or none at all): the desk says "Per ora
// nessuna offerta adatta" and the weekly run mails nothing for it.
const NoProposalCode = "no_proposal"

// emptyState is what the API says when nothing is proposed for a
// posting of kind: a stable code and the sentence the desk shows.
type emptyState struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// noProposal is the empty state for a posting of kind (a need is
// answered by offers, an offer by needs).
func noProposal(l *locale.Localizer, kind saperi.Kind) *emptyState {
	return &emptyState{Code: NoProposalCode, Message: l.T(noProposalKey(kind), nil, "")}
}

func noProposalKey(kind saperi.Kind) string {
	if kind == saperi.Offer {
		return "ui.desk.no_proposal.offer"
	}
	return "ui.desk.no_proposal.need"
}

// reasonTexts words a candidate's or a match's reasons in the reader's
// language, the codes they carry (days, languages, mode, concepts)
// translated too. Matches stored before reasons were kept have none: then
// fallback (the factors that speak for it) stands in.
func reasonTexts(l *locale.Localizer, rs []saperi.Reason, fallback []string) []string {
	if len(rs) == 0 {
		if fallback == nil {
			return []string{}
		}
		return fallback
	}
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, l.Reason(r.Key, r.Args))
	}
	return out
}

// conceptView is a concept two postings share, as the API shows it.
type conceptView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Via says how: "same", or "broader"/"narrower" when the candidate's
	// concept is the broader or narrower one (Other).
	Via   string `json:"via"`
	Other string `json:"other,omitempty"`
}

func viewConcepts(cs []matcher.SharedConcept) []conceptView {
	out := make([]conceptView, 0, len(cs))
	for _, c := range cs {
		v := conceptView{ID: c.Concept.ID, Name: c.Concept.Name, Via: c.Via}
		if c.Via != matcher.ConceptSame {
			v.Other = c.Other.Name
		}
		out = append(out, v)
	}
	return out
}

// candidateList is the API's answer for a posting's candidates: each
// says whether it is a proposal; with no proposal, Empty says so.
type candidateList struct {
	Items []candidateView `json:"items"`
	// Threshold is the score from which a candidate is a proposal.
	Threshold float64 `json:"threshold"`
	// Proposals is how many of Items are proposals (the first ones).
	Proposals int         `json:"proposals"`
	Empty     *emptyState `json:"empty,omitempty"`
}

// candidateList views ranked (best first, what the reader may see) as
// candidates for a posting of kind.
func (s *Server) candidateList(l *locale.Localizer, kind saperi.Kind, ranked []matcher.Ranked) candidateList {
	n := s.svc.ProposalCount(ranked)
	out := candidateList{Items: make([]candidateView, 0, len(ranked)), Threshold: s.svc.Threshold(), Proposals: n}
	for i, r := range ranked {
		v := viewCandidate(l, r)
		v.Proposal = i < n
		out.Items = append(out.Items, v)
	}
	if n == 0 {
		out.Empty = noProposal(l, kind)
	}
	return out
}
