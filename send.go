package saperi

import (
	"fmt"
	"time"
)

// SendState is where one planned mail is.
//
//	pending → sending → sent
//	                  ↘ failed (permanent refusal) / skipped (nothing to say, unsubscribed)
//
// A crash leaves a record pending or sending; the next run sends both
// again (see digest.Runner for why sending is retried, not assumed done).
type SendState string

// Send states.
const (
	SendPending SendState = "pending"
	SendSending SendState = "sending"
	SendSent    SendState = "sent"
	SendFailed  SendState = "failed"
	SendSkipped SendState = "skipped"
)

// Done reports whether a record needs no more work.
func (s SendState) Done() bool { return s == SendSent || s == SendFailed || s == SendSkipped }

// Send kinds.
const (
	SendPersonal    = "personal"     // a person's weekly digest
	SendHub         = "hub"          // a hub's weekly digest, one per operator address
	SendConnected   = "connected"    // "your match is connected", to one side
	SendReset       = "reset"        // a link to set a new password, to an account
	SendSignup      = "signup"       // a link to confirm a sign-up, to the address typed
	SendSignupTaken = "signup_taken" // "somebody tried to sign up with your address", to an account
	SendRun         = "run"          // marks a week's digest run (or assignment) complete
)

// Send records one mail: planned before it is sent, marked after. Key is
// unique and deterministic ("digest/2026-W48/personal/12",
// "mail/connected/5/need"), so a second run finds the first one's record,
// and MessageID derives from it, so a mail sent twice is recognisably the
// same mail.
type Send struct {
	Key       string    `json:"key"`
	Kind      string    `json:"kind"`
	Week      string    `json:"week,omitempty"`
	To        string    `json:"to,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	SubjectID uint64    `json:"subject_id,omitempty"` // profile, hub, match or user id
	Side      Side      `json:"side,omitempty"`
	State     SendState `json:"state"`
	MessageID string    `json:"message_id,omitempty"`
	Attempts  int       `json:"attempts"`
	Error     string    `json:"error,omitempty"`
	Planned   time.Time `json:"planned"`
	Updated   time.Time `json:"updated"`
}

// ISOWeek names the ISO 8601 week of t, e.g. "2026-W48".
func ISOWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekStart returns midnight of the Monday that starts ISO week s
// ("2026-W48") in loc. A malformed week is EINVALID.
func WeekStart(s string, loc *time.Location) (time.Time, error) {
	var y, w int
	if n, err := fmt.Sscanf(s, "%4d-W%2d", &y, &w); err != nil || n != 2 || len(s) != 8 || w < 1 || w > 53 {
		return time.Time{}, Invalid("week", "error.week", "a week is written like 2026-W48")
	}
	// 4 January is always in week 1.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	if ISOWeek(monday) != s {
		return time.Time{}, Invalid("week", "error.week", "a week is written like 2026-W48")
	}
	return monday, nil
}
