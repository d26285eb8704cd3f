package saperi

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Outcomes of a contact attempt.
const (
	Reached     = "reached"      // spoke with the person
	NoAnswer    = "no_answer"    // nobody answered
	LeftMessage = "left_message" // left a message or a note at the desk
	WrongNumber = "wrong_number" // the contact does not work
)

// Outcomes lists the contact outcomes, in the order a form offers them.
var Outcomes = []string{Reached, NoAnswer, LeftMessage, WrongNumber}

// RecordContact appends a contact attempt with one side to the history:
// the desk phoned (or met) the person, with outcome and an optional note.
// The state does not change.
func (m *Match) RecordContact(side Side, outcome, actor, note string, now time.Time) error {
	if side != NeedSide && side != OfferSide {
		return Invalid("side", "error.match.side", "side must be need or offer")
	}
	if !slices.Contains(Outcomes, outcome) {
		return Invalid("outcome", "error.match.outcome", "outcome must be one of %s", strings.Join(Outcomes, ", ")).
			with("Allowed", strings.Join(Outcomes, ", "))
	}
	if err := text("note", note, 0, 2000); err != nil {
		return err
	}
	m.Updated = now
	m.History = append(m.History, MatchEvent{At: now, Action: Contact, Side: side, Actor: actor,
		From: m.State, To: m.State, Note: note, Outcome: outcome})
	return nil
}

// Forget removes what the match says about one side whose account is
// erased: an open match is withdrawn, the matched words and every note
// are dropped (notes may name the person), and the side's profile id is
// zeroed. The history keeps who did what and when, without the text.
func (m *Match) Forget(side Side, actor string, now time.Time) {
	from := m.State
	if m.State.Active() {
		m.State = Withdrawn
	}
	m.Terms = []TermMatch{}
	m.Reasons = nil // they quote the matched words too
	// The reasons' arguments quote the matched words (text) and the
	// category's sense of them; numbers (a distance, a share) stay.
	for name, f := range m.Breakdown {
		for k, v := range f.Args {
			switch v.(type) {
			case float64, int, int64, uint64, bool:
			default:
				delete(f.Args, k)
			}
		}
		m.Breakdown[name] = f
	}
	for i := range m.History {
		m.History[i].Note = ""
	}
	if side == NeedSide {
		m.NeedProfileID = 0
	} else {
		m.OfferProfileID = 0
	}
	m.Updated = now
	m.History = append(m.History, MatchEvent{At: now, Action: Forget, Side: side, Actor: actor, From: from, To: m.State})
}

// QueueItem is an open need as a hub's queue shows it.
type QueueItem struct {
	Posting *Posting `json:"posting"`
	// Active is how many active matches the need already has: 0 means
	// nobody is working on it yet.
	Active int `json:"active_matches"`
	// WaitingDays since the need was posted.
	WaitingDays int `json:"waiting_days"`
}

// QueueFilter narrows a hub's queue.
type QueueFilter struct {
	Category   string
	Area       string
	UrgentOnly bool
}

// Queue orders a hub's open needs for the desk: those nobody is working on
// first (no active match), then the oldest first. active counts each
// posting's active matches; needs that are not open at now, or do not pass
// f, are left out.
func Queue(needs []*Posting, active map[uint64]int, f QueueFilter, now time.Time) []QueueItem {
	out := make([]QueueItem, 0, len(needs))
	for _, p := range needs {
		if p.Kind != Need || p.StatusAt(now) != Open {
			continue
		}
		if (f.Category != "" && p.Category != f.Category) || (f.Area != "" && !strings.EqualFold(p.Area, f.Area)) ||
			(f.UrgentOnly && !p.Urgent) {
			continue
		}
		out = append(out, QueueItem{Posting: p, Active: active[p.ID], WaitingDays: int(now.Sub(p.Created).Hours() / 24)})
	}
	slices.SortStableFunc(out, func(a, b QueueItem) int {
		if (a.Active == 0) != (b.Active == 0) {
			if a.Active == 0 {
				return -1
			}
			return 1
		}
		if c := a.Posting.Created.Compare(b.Posting.Created); c != 0 {
			return c
		}
		return int(a.Posting.ID) - int(b.Posting.ID)
	})
	return out
}

var categoryID = regexp.MustCompile(`^[a-z][a-z0-9-]{1,29}$`)

// Validate checks a category as an admin writes it: a slug id (lower-case
// letters, digits and dashes) and both names.
func (c *Category) Validate() error {
	if !categoryID.MatchString(c.ID) {
		return Invalid("id", "error.category.id", "the id is 2-30 lower-case letters, digits or dashes, starting with a letter")
	}
	if err := line("name", c.Name, 2, 60); err != nil {
		return err
	}
	return line("name_en", c.En, 2, 60)
}

// Erasure counts what erasing a profile removed or anonymised.
type Erasure struct {
	Postings int `json:"postings"`
	Matches  int `json:"matches"`
	Events   int `json:"events"`
	Accounts int `json:"accounts"`
	// Mails is how many records of mails to the person (or that carried
	// their contacts to the other side of a match) were deleted.
	Mails int `json:"mails"`

	// MailKeys are the Send keys of the mails about the person (to them,
	// or "connected" mails of their matches): their copies outside the
	// store (the outbox folder) must go too. Traces are what identifies
	// the person in a mail (addresses, phone, full name, titles): a mail
	// elsewhere that holds one is about them. Both exist only in memory,
	// for the caller that scrubs the files; they are never stored or sent.
	MailKeys []string `json:"-"`
	Traces   []string `json:"-"`
}
