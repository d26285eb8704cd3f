package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/saperi/saperi/matcher"
)

// Notifier sends the transactional mails ("your match is connected"; a
// password reset would be one more kind) through the same path as the
// digests: a pending matcher.Send is recorded first, a loop sends it and
// marks it, so a crash between the two neither loses nor repeats it
// (beyond the at-least-once window described on Runner).
type Notifier struct {
	R    *Runner
	kick chan struct{}
}

// NewNotifier returns a notifier over an initialised runner.
func NewNotifier(r *Runner) *Notifier { return &Notifier{R: r, kick: make(chan struct{}, 1)} }

// MatchConnected records a "connected" mail to each side of m that has an
// email, and wakes the loop. Call it after the change is committed.
func (n *Notifier) MatchConnected(ctx context.Context, m *matcher.Match) error {
	now := n.R.Now()
	var recs []matcher.Send
	for _, side := range []matcher.Side{matcher.NeedSide, matcher.OfferSide} {
		pid := m.NeedProfileID
		if side == matcher.OfferSide {
			pid = m.OfferProfileID
		}
		p, err := n.R.Store.Profile(ctx, pid)
		if err != nil {
			return fmt.Errorf("digest: connected mail: %w", err)
		}
		if p.Contacts.Email == "" {
			continue
		}
		key := fmt.Sprintf("mail/connected/%d/%s", m.ID, side)
		recs = append(recs, matcher.Send{Key: key, Kind: matcher.SendConnected, To: p.Contacts.Email, SubjectID: m.ID,
			Side: side, Lang: langFor(n.R.T, p.Languages), State: matcher.SendPending, MessageID: n.R.messageID(key),
			Planned: now, Updated: now})
	}
	if _, err := n.R.Store.PlanSends(ctx, recs); err != nil {
		return err
	}
	select {
	case n.kick <- struct{}{}:
	default:
	}
	return nil
}

// Loop sends pending transactional mails when woken and every minute (so
// mails recorded before a crash go out after the restart), until ctx ends.
func (n *Notifier) Loop(ctx context.Context) {
	for {
		if err := n.Flush(ctx); err != nil && ctx.Err() == nil {
			n.R.Log.Error("transactional mail", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-n.kick:
		case <-time.After(time.Minute):
		}
	}
}

// Flush sends every pending transactional mail.
func (n *Notifier) Flush(ctx context.Context) error {
	recs, err := n.R.Store.Sends(ctx, "mail/")
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if rec.State.Done() {
			continue
		}
		msg, err := n.connected(ctx, rec)
		if err != nil {
			return err
		}
		if _, err := n.R.deliver(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

// connected renders the "connected" mail of rec.
func (n *Notifier) connected(ctx context.Context, rec matcher.Send) (*Message, error) {
	m, err := n.R.Store.Match(ctx, rec.SubjectID)
	if err != nil {
		return nil, err
	}
	mineID, otherID, me, other := m.NeedID, m.OfferID, m.NeedProfileID, m.OfferProfileID
	if rec.Side == matcher.OfferSide {
		mineID, otherID, me, other = otherID, mineID, other, me
	}
	ps, err := n.R.Store.Postings(ctx, []uint64{mineID, otherID})
	if err != nil || len(ps) != 2 {
		return nil, fmt.Errorf("digest: connected mail %s: postings: %v", rec.Key, err)
	}
	mp, err := n.R.Store.Profile(ctx, me)
	if err != nil {
		return nil, err
	}
	op, err := n.R.Store.Profile(ctx, other)
	if err != nil {
		return nil, err
	}
	now := n.R.Now()
	unsub := n.R.link(matcher.LinkUnsubscribe, rec.To, now)
	first, _, _ := strings.Cut(mp.Name, " ")
	v := connectedView{Name: first, Mine: ps[0], Other: ps[1], OtherName: op.Name, Unsubscribe: unsub}
	// Contacts only once both said yes: this mail exists because they did.
	if m.Disclosed() {
		v.Contacts = op.Contacts
	}
	html, text, err := n.R.render.render("connected", rec.Lang, v)
	if err != nil {
		return nil, err
	}
	return &Message{Key: rec.Key, MessageID: rec.MessageID, From: n.R.Config.From, To: rec.To,
		Subject: n.R.T.Translate(rec.Lang, "digest.connected.subject", nil), Text: text, HTML: html, Unsubscribe: unsub}, nil
}
