package digest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/saperi/saperi"
)

// Snapshot is what one digest run reads from the store, loaded once and
// outside any transaction held across the run.
type Snapshot struct {
	Hubs         []*saperi.Hub
	Profiles     map[uint64]*saperi.Profile
	Postings     map[uint64]*saperi.Posting
	Matches      []*saperi.Match
	Unsubscribed map[string]bool
	// byProfile lists each profile's postings by id; matchesOf each
	// profile's matches (either side) by id.
	byProfile map[uint64][]*saperi.Posting
	matchesOf map[uint64][]*saperi.Match
}

// Load reads a snapshot in chunks.
func Load(ctx context.Context, st Store) (*Snapshot, error) {
	s := &Snapshot{Profiles: map[uint64]*saperi.Profile{}, Postings: map[uint64]*saperi.Posting{},
		byProfile: map[uint64][]*saperi.Posting{}, matchesOf: map[uint64][]*saperi.Match{}}
	var err error
	if s.Hubs, err = st.Hubs(ctx); err != nil {
		return nil, fmt.Errorf("digest: load hubs: %w", err)
	}
	for after := uint64(0); ; {
		ps, err := st.Profiles(ctx, 0, after, 500)
		if err != nil {
			return nil, fmt.Errorf("digest: load profiles: %w", err)
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			s.Profiles[p.ID] = p
		}
		after = ps[len(ps)-1].ID
	}
	if err := st.ScanPostings(ctx, 0, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			s.Postings[p.ID] = p
			s.byProfile[p.ProfileID] = append(s.byProfile[p.ProfileID], p)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("digest: load postings: %w", err)
	}
	if err := st.ScanMatches(ctx, 0, func(ms []*saperi.Match) error {
		s.Matches = append(s.Matches, ms...)
		for _, m := range ms {
			s.matchesOf[m.NeedProfileID] = append(s.matchesOf[m.NeedProfileID], m)
			if m.OfferProfileID != m.NeedProfileID {
				s.matchesOf[m.OfferProfileID] = append(s.matchesOf[m.OfferProfileID], m)
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("digest: load matches: %w", err)
	}
	if s.Unsubscribed, err = st.Unsubscribed(ctx); err != nil {
		return nil, fmt.Errorf("digest: load unsubscribed: %w", err)
	}
	return s, nil
}

// Windows of the digests.
const (
	newWindow    = 7 * 24 * time.Hour  // "new" proposals and postings
	expiryWindow = 14 * 24 * time.Hour // postings expiring soon
	staleAnswer  = 7 * 24 * time.Hour  // proposals without answer, for the hub
	followUp     = 14 * 24 * time.Hour // connected matches to follow up
)

// Proposal is one match as one side sees it in a digest.
type Proposal struct {
	Match *saperi.Match
	Side  saperi.Side
	Mine  *saperi.Posting
	Other *saperi.Posting
	// OtherName is how the other side is called: a resident's first name,
	// an organisation's name. Contacts are never in a digest.
	OtherName string
	Reasons   []string
	Accept    string // signed link
	Decline   string // signed link
}

// Expiring is a posting about to expire, with its renew link.
type Expiring struct {
	Posting *saperi.Posting
	Days    int
	Renew   string
}

// Personal is one person's weekly digest.
type Personal struct {
	Profile  *saperi.Profile
	Lang     string
	New      []Proposal
	Waiting  []Proposal
	Expiring []Expiring
}

// Empty reports whether there is nothing to say.
func (p *Personal) Empty() bool { return len(p.New)+len(p.Waiting)+len(p.Expiring) == 0 }

// ToCall is a person without email who has proposals waiting: the hub's
// operators call them.
type ToCall struct {
	Profile   *saperi.Profile
	Proposals []Proposal
}

// Numbers are a hub's week in numbers.
type Numbers struct {
	NewOffers, NewNeeds, Proposed, Connected, Done int
}

// HubDigest is one hub's weekly digest for its operators.
type HubDigest struct {
	Hub *saperi.Hub
	// UnmatchedDays is N in "needs unmatched for more than N days".
	UnmatchedDays int
	Unmatched     []*saperi.Posting
	Unanswered    []Proposal
	FollowUp      []Proposal
	NewPostings   []*saperi.Posting
	ToCall        []ToCall
	Numbers       Numbers
}

// Empty reports whether there is nothing to say.
func (h *HubDigest) Empty() bool {
	return len(h.Unmatched)+len(h.Unanswered)+len(h.FollowUp)+len(h.NewPostings)+len(h.ToCall) == 0 &&
		h.Numbers == (Numbers{})
}

// composer builds digests from a snapshot; links signs one link.
type composer struct {
	s     *Snapshot
	t     Translator
	now   time.Time
	links func(purpose, subject string) string
}

// waitsFor reports whether side has not yet answered the open match m.
func waitsFor(m *saperi.Match, side saperi.Side) bool {
	switch m.State {
	case saperi.Proposed, saperi.AcceptedNeed, saperi.AcceptedOffer:
		if side == saperi.NeedSide {
			return !m.NeedAccepted
		}
		return !m.OfferAccepted
	}
	return false
}

func (c *composer) proposal(m *saperi.Match, side saperi.Side, lang string) Proposal {
	mineID, otherID := m.NeedID, m.OfferID
	otherProfile := m.OfferProfileID
	if side == saperi.OfferSide {
		mineID, otherID = otherID, mineID
		otherProfile = m.NeedProfileID
	}
	p := Proposal{Match: m, Side: side, Mine: c.s.Postings[mineID], Other: c.s.Postings[otherID]}
	if op := c.s.Profiles[otherProfile]; op != nil {
		p.OtherName = op.Name
		if op.Kind == saperi.Resident {
			p.OtherName, _, _ = strings.Cut(op.Name, " ")
		}
	}
	p.Reasons = reasons(c.t, lang, m, maxReasons)
	subject := fmt.Sprintf("match/%d/%s", m.ID, side)
	p.Accept = c.links(saperi.LinkAccept, subject)
	p.Decline = c.links(saperi.LinkDecline, subject)
	return p
}

// maxReasons is at most how many reasons a proposal in a digest gives:
// all the matcher gives (what matched: two concepts and the words at
// most; then distance, days and languages when they tell something).
const maxReasons = 6

// reasons say why m was proposed, in plain words of lang, at most n:
// the reasons the matcher gave, what matched first; for a match stored
// before matches kept them, the factors that speak for it, strongest
// first. The codes they carry (days, languages, mode) are put in words by
// the Translator (locale.Catalog.Translate).
func reasons(t Translator, lang string, m *saperi.Match, n int) []string {
	if len(m.Reasons) > 0 {
		out := make([]string, 0, min(n, len(m.Reasons)))
		for _, r := range m.Reasons[:min(n, len(m.Reasons))] {
			out = append(out, t.Translate(lang, r.Key, r.Args))
		}
		return out
	}
	b, n := m.Breakdown, min(n, 3)
	type pro struct {
		c float64
		r string
	}
	var pros []pro
	for _, f := range b {
		if f.Value >= 0.6 && f.Weight > 0 {
			pros = append(pros, pro{f.Contribution, t.Translate(lang, f.Key, f.Args)})
		}
	}
	sort.Slice(pros, func(i, j int) bool {
		if pros[i].c != pros[j].c {
			return pros[i].c > pros[j].c
		}
		return pros[i].r < pros[j].r
	})
	out := []string{}
	for i := 0; i < len(pros) && i < n; i++ {
		out = append(out, pros[i].r)
	}
	return out
}

// personal composes p's digest; Empty when there is nothing to say.
func (c *composer) personal(p *saperi.Profile) *Personal {
	d := &Personal{Profile: p, Lang: langFor(c.t, choice(p))}
	mine := map[uint64]bool{}
	for _, post := range c.s.byProfile[p.ID] {
		mine[post.ID] = true
		st := post.StatusAt(c.now)
		if (st == saperi.Open || st == saperi.Paused) && post.Expires.Sub(c.now) <= expiryWindow {
			days := int(post.Expires.Sub(c.now).Hours() / 24)
			d.Expiring = append(d.Expiring, Expiring{Posting: post, Days: days,
				Renew: c.links(saperi.LinkRenew, fmt.Sprintf("posting/%d", post.ID))})
		}
	}
	for _, m := range c.s.matchesOf[p.ID] {
		for _, side := range []saperi.Side{saperi.NeedSide, saperi.OfferSide} {
			id, owner := m.NeedID, m.NeedProfileID
			if side == saperi.OfferSide {
				id, owner = m.OfferID, m.OfferProfileID
			}
			if owner != p.ID || !mine[id] || !waitsFor(m, side) {
				continue
			}
			pr := c.proposal(m, side, d.Lang)
			if c.now.Sub(m.Created) <= newWindow {
				d.New = append(d.New, pr)
			} else {
				d.Waiting = append(d.Waiting, pr)
			}
		}
	}
	return d
}

// hub composes h's digest.
func (c *composer) hub(h *saperi.Hub, unmatchedDays int) *HubDigest {
	d := &HubDigest{Hub: h, UnmatchedDays: unmatchedDays}
	active := map[uint64]bool{}
	inHub := func(postingID uint64) bool {
		p := c.s.Postings[postingID]
		return p != nil && p.HubID == h.ID
	}
	for _, m := range c.s.Matches {
		if m.State.Active() {
			active[m.NeedID] = true
		}
		if !inHub(m.NeedID) && !inHub(m.OfferID) {
			continue
		}
		fresh := c.now.Sub(m.Created) <= newWindow
		if fresh {
			d.Numbers.Proposed++
		}
		for _, ev := range m.History {
			if c.now.Sub(ev.At) <= newWindow && ev.From != ev.To {
				switch ev.To {
				case saperi.Connected:
					d.Numbers.Connected++
				case saperi.Done:
					d.Numbers.Done++
				}
			}
		}
		side := saperi.NeedSide
		if !inHub(m.NeedID) {
			side = saperi.OfferSide
		}
		switch {
		case (waitsFor(m, saperi.NeedSide) || waitsFor(m, saperi.OfferSide)) && c.now.Sub(m.Created) > staleAnswer:
			d.Unanswered = append(d.Unanswered, c.proposal(m, side, "it"))
		case m.State == saperi.Connected && c.now.Sub(m.Updated) > followUp:
			d.FollowUp = append(d.FollowUp, c.proposal(m, side, "it"))
		}
	}
	var ids []uint64
	for id, p := range c.s.Postings {
		if p.HubID == h.ID {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		p := c.s.Postings[id]
		if c.now.Sub(p.Created) <= newWindow {
			d.NewPostings = append(d.NewPostings, p)
			if p.Kind == saperi.Offer {
				d.Numbers.NewOffers++
			} else {
				d.Numbers.NewNeeds++
			}
		}
		if p.Kind == saperi.Need && p.StatusAt(c.now) == saperi.Open && !active[p.ID] &&
			c.now.Sub(p.Created) > time.Duration(unmatchedDays)*24*time.Hour {
			d.Unmatched = append(d.Unmatched, p)
		}
	}
	// People of this hub without email who have proposals waiting.
	var people []uint64
	for id, p := range c.s.Profiles {
		if p.HubID == h.ID && p.Contacts.Email == "" {
			people = append(people, id)
		}
	}
	sort.Slice(people, func(i, j int) bool { return people[i] < people[j] })
	for _, id := range people {
		pd := c.personal(c.s.Profiles[id])
		if all := append(pd.New, pd.Waiting...); len(all) > 0 {
			d.ToCall = append(d.ToCall, ToCall{Profile: c.s.Profiles[id], Proposals: all})
		}
	}
	return d
}
