package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/saperi/saperi"
)

// Notifier sends the transactional mails ("your match is connected", "set
// a new password") through the same path as the digests: a pending
// saperi.Send is recorded first, a loop sends it and marks it, so a crash
// between the two neither loses nor repeats it (beyond the at-least-once
// window described on Runner).
type Notifier struct {
	R    *Runner
	kick chan struct{}
}

// NewNotifier returns a notifier over an initialised runner.
func NewNotifier(r *Runner) *Notifier { return &Notifier{R: r, kick: make(chan struct{}, 1)} }

// MatchConnected records a "connected" mail to each side of m that has an
// email, and wakes the loop. Call it after the change is committed.
func (n *Notifier) MatchConnected(ctx context.Context, m *saperi.Match) error {
	now := n.R.Now()
	var recs []saperi.Send
	for _, side := range []saperi.Side{saperi.NeedSide, saperi.OfferSide} {
		pid := m.NeedProfileID
		if side == saperi.OfferSide {
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
		recs = append(recs, saperi.Send{Key: key, Kind: saperi.SendConnected, To: p.Contacts.Email, SubjectID: m.ID,
			Side: side, Lang: langFor(n.R.T, choice(p)), State: saperi.SendPending, MessageID: n.R.messageID(key),
			Planned: now, Updated: now})
	}
	if _, err := n.R.Store.PlanSends(ctx, recs); err != nil {
		return err
	}
	n.wake()
	return nil
}

// PasswordReset records a mail to u with a link to set a new password, in
// the account's language (else the profile's), and wakes the loop. The
// key carries the time of the request, so each request is its own mail.
func (n *Notifier) PasswordReset(ctx context.Context, u *saperi.User) error {
	now := n.R.Now()
	langs := []string{u.Lang}
	if u.ProfileID != 0 {
		p, err := n.R.Store.Profile(ctx, u.ProfileID)
		if err != nil && saperi.ErrorCode(err) != saperi.ENOTFOUND {
			return fmt.Errorf("digest: reset mail: %w", err)
		}
		if p != nil {
			langs = append(langs, choice(p)...)
		}
	}
	key := fmt.Sprintf("mail/reset/%d/%d", u.ID, now.UnixNano())
	return n.plan(ctx, saperi.Send{Key: key, Kind: saperi.SendReset, To: u.Email, SubjectID: u.ID, Lang: langFor(n.R.T, langs)}, now)
}

// plan records rec as a mail to send now (its state, message id and times
// filled in) and wakes the loop.
func (n *Notifier) plan(ctx context.Context, rec saperi.Send, now time.Time) error {
	rec.State, rec.MessageID, rec.Planned, rec.Updated = saperi.SendPending, n.R.messageID(rec.Key), now, now
	if _, err := n.R.Store.PlanSends(ctx, []saperi.Send{rec}); err != nil {
		return err
	}
	n.wake()
	return nil
}

// SignupConfirm records a mail to the address of pending sign-up p with
// the link that confirms it, in the language chosen on the form, and
// wakes the loop. One record per pending sign-up: a new sign-up for the
// address is a new record (and voids the older link).
func (n *Notifier) SignupConfirm(ctx context.Context, p *saperi.PendingSignup) error {
	now := n.R.Now()
	key := fmt.Sprintf("mail/signup/%d", p.ID)
	return n.plan(ctx, saperi.Send{Key: key, Kind: saperi.SendSignup, To: p.Email, SubjectID: p.ID,
		Lang: langFor(n.R.T, choice(&p.Profile))}, now)
}

// SignupTaken records a mail to account u saying that somebody tried to
// sign up with its address, with the ways in (log in, choose a new
// password), in the account's language, and wakes the loop. The key
// carries the time, so each attempt is its own mail (the sign-up
// throttle caps how many).
func (n *Notifier) SignupTaken(ctx context.Context, u *saperi.User) error {
	now := n.R.Now()
	key := fmt.Sprintf("mail/signup-taken/%d/%d", u.ID, now.UnixNano())
	return n.plan(ctx, saperi.Send{Key: key, Kind: saperi.SendSignupTaken, To: u.Email, SubjectID: u.ID,
		Lang: langFor(n.R.T, n.accountLangs(ctx, u))}, now)
}

// accountLangs are the languages to write to account u in: the
// account's, then its profile's.
func (n *Notifier) accountLangs(ctx context.Context, u *saperi.User) []string {
	langs := []string{u.Lang}
	if u.ProfileID != 0 {
		if p, err := n.R.Store.Profile(ctx, u.ProfileID); err == nil {
			langs = append(langs, choice(p)...)
		}
	}
	return langs
}

func (n *Notifier) wake() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
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

// errNothingToSend is what composing a transactional mail returns when
// there is no longer anything to send: what it was about was erased
// meanwhile, or the link it would carry has expired. Its record is marked
// skipped, so that it does not hold up the mails after it.
var errNothingToSend = errors.New("digest: nothing to send any more")

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
		var msg *Message
		switch rec.Kind {
		case saperi.SendConnected:
			msg, err = n.connected(ctx, rec)
		case saperi.SendReset:
			msg, err = n.reset(ctx, rec)
		case saperi.SendSignup:
			msg, err = n.signup(ctx, rec)
		case saperi.SendSignupTaken:
			msg, err = n.signupTaken(ctx, rec)
		default:
			err = fmt.Errorf("digest: %s: unknown kind %q", rec.Key, rec.Kind)
		}
		if saperi.ErrorCode(err) == saperi.ENOTFOUND {
			err = errNothingToSend
		}
		if errors.Is(err, errNothingToSend) {
			if err := n.R.mark(ctx, rec.Key, saperi.SendSkipped, ""); err != nil {
				return err
			}
			continue
		}
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
func (n *Notifier) connected(ctx context.Context, rec saperi.Send) (*Message, error) {
	m, err := n.R.Store.Match(ctx, rec.SubjectID)
	if err != nil {
		return nil, err
	}
	mineID, otherID, me, other := m.NeedID, m.OfferID, m.NeedProfileID, m.OfferProfileID
	if rec.Side == saperi.OfferSide {
		mineID, otherID, me, other = otherID, mineID, other, me
	}
	ps, err := n.R.Store.Postings(ctx, []uint64{mineID, otherID})
	if err != nil {
		return nil, fmt.Errorf("digest: connected mail %s: postings: %w", rec.Key, err)
	}
	if len(ps) != 2 {
		return nil, errNothingToSend // a side erased their data meanwhile
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
	unsub := n.R.link(saperi.LinkUnsubscribe, rec.To, now)
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

// reset renders the password-reset mail of rec. Its link expires ResetTTL
// after the request, not after the sending, and carries the stamp of the
// password as it is now: a mail sent again after a crash carries the same
// link, and a request whose link would already have expired is not sent
// (the person has asked again or gone to the desk).
func (n *Notifier) reset(ctx context.Context, rec saperi.Send) (*Message, error) {
	expires := rec.Planned.Add(saperi.ResetTTL)
	if !n.R.Now().Before(expires) {
		return nil, errNothingToSend
	}
	u, err := n.R.Store.User(ctx, rec.SubjectID)
	if err != nil {
		return nil, err
	}
	name := u.Name
	if u.Role == saperi.RoleResident {
		name, _, _ = strings.Cut(u.Name, " ")
	}
	link := n.R.Config.BaseURL + "/password/reset/" + saperi.SignLink(n.R.secret,
		saperi.Link{Purpose: saperi.LinkReset, Subject: saperi.ResetSubject(n.R.secret, u), Expires: expires})
	html, text, err := n.R.render.render("reset", rec.Lang, resetView{Name: name, Email: u.Email, Link: link})
	if err != nil {
		return nil, err
	}
	return &Message{Key: rec.Key, MessageID: rec.MessageID, From: n.R.Config.From, To: rec.To,
		Subject: n.R.T.Translate(rec.Lang, "digest.reset.subject", nil), Text: text, HTML: html}, nil
}

// signup renders the mail that confirms the pending sign-up of rec. Its
// link expires with the pending sign-up; one that was confirmed,
// replaced, erased or has expired meanwhile is not sent.
func (n *Notifier) signup(ctx context.Context, rec saperi.Send) (*Message, error) {
	p, err := n.R.Store.Signup(ctx, rec.SubjectID)
	if err != nil {
		return nil, err
	}
	if p.Email != saperi.NormalizeEmail(rec.To) || p.Expired(n.R.Now()) {
		return nil, errNothingToSend
	}
	link := n.R.Config.BaseURL + "/signup/confirm/" + saperi.SignLink(n.R.secret,
		saperi.Link{Purpose: saperi.LinkSignup, Subject: p.Subject(), Expires: p.Expires})
	html, text, err := n.R.render.render("signup", rec.Lang, signupView{Email: p.Email, Link: link})
	if err != nil {
		return nil, err
	}
	return &Message{Key: rec.Key, MessageID: rec.MessageID, From: n.R.Config.From, To: rec.To,
		Subject: n.R.T.Translate(rec.Lang, "digest.signup.subject", nil), Text: text, HTML: html}, nil
}

// signupTaken renders the "somebody tried to sign up with your address"
// mail of rec. It carries no link that acts, only the ways in: the login
// page and the "forgot password" page.
func (n *Notifier) signupTaken(ctx context.Context, rec saperi.Send) (*Message, error) {
	u, err := n.R.Store.User(ctx, rec.SubjectID)
	if err != nil {
		return nil, err
	}
	name := u.Name
	if u.Role == saperi.RoleResident {
		name, _, _ = strings.Cut(u.Name, " ")
	}
	v := signupTakenView{Name: name, Email: u.Email, Login: n.R.Config.BaseURL + "/login",
		Forgot: n.R.Config.BaseURL + "/password/forgot"}
	html, text, err := n.R.render.render("signup_taken", rec.Lang, v)
	if err != nil {
		return nil, err
	}
	return &Message{Key: rec.Key, MessageID: rec.MessageID, From: n.R.Config.From, To: rec.To,
		Subject: n.R.T.Translate(rec.Lang, "digest.signup_taken.subject", nil), Text: text, HTML: html}, nil
}
