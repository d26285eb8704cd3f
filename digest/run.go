package digest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/saperi/saperi"
)

// Config are the settings of digests and their sending.
type Config struct {
	// BaseURL is where the server is reached from a mail client; links in
	// mails start with it.
	BaseURL string
	// From is the sender address of every mail.
	From string
	// Rate is at most how many mails per second are sent (0: no limit).
	Rate float64
	// Attempts is how many times a mail is tried on temporary errors.
	Attempts int
	// Backoff is the wait after the first temporary error; it doubles.
	Backoff time.Duration
	// UnmatchedDays is N in the hub digest's "needs unmatched for more
	// than N days".
	UnmatchedDays int
	// LinkTTL is how long accept, decline and renew links work;
	// unsubscribe links work for a year.
	LinkTTL time.Duration
}

func (c *Config) defaults() {
	if c.BaseURL == "" {
		c.BaseURL = "http://127.0.0.1:8080"
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.From == "" {
		c.From = "Saperi <saperi@localhost>"
	}
	if c.Attempts <= 0 {
		c.Attempts = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = 2 * time.Second
	}
	if c.UnmatchedDays <= 0 {
		c.UnmatchedDays = 14
	}
	if c.LinkTTL <= 0 {
		c.LinkTTL = 21 * 24 * time.Hour
	}
}

// Runner composes and sends a week's digests, and the transactional mails.
//
// Never twice, never skipped. A run first plans: it writes one pending
// saperi.Send per recipient for the week, all in one transaction, keyed
// by week and recipient, and never overwrites an existing record. Then,
// for each record not yet done, it marks it sending, hands the mail to the
// Mailer, and marks it sent. A crash before the plan is committed leaves
// nothing, and the next run plans afresh; a crash after it leaves records
// pending or sending, which the next run (or the scheduler at the next
// start) sends; sent records are never sent again. Nobody is skipped.
//
// The one window left is between the SMTP server accepting a mail and the
// store marking it sent: a crash there leaves the record "sending" and the
// mail is sent again. We choose at-least-once over at-most-once on
// purpose: a person who misses the week's proposals loses more than one
// who reads the same mail twice, and the two copies carry the same
// deterministic Message-ID (derived from the record's key), which lets
// mail servers and clients that deduplicate show it once. In outbox mode
// (.eml files) the mail is written under its key with a rename, so even
// that window cannot duplicate it.
type Runner struct {
	Store  Store
	Mailer Mailer
	T      Translator
	Now    Clock
	Log    *slog.Logger
	Config Config
	// Sleep waits for d or until ctx is done (throttling and backoff);
	// tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error

	render *renderer
	secret []byte
	// failAt, when set (tests), is called at each step of sending a mail
	// and aborts the run with its error, as a crash would.
	failAt func(step, key string) error
}

// Sending steps that failAt sees.
const (
	stepBeforeSend = "before-send"
	stepAfterSend  = "after-send"
	stepAfterMark  = "after-mark"
)

// Init prepares the runner: defaults, templates and the link secret.
func (r *Runner) Init(ctx context.Context) error {
	r.Config.defaults()
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Log == nil {
		r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if r.Sleep == nil {
		r.Sleep = sleep
	}
	var err error
	if r.render, err = newRenderer(r.T); err != nil {
		return err
	}
	if r.secret, err = r.Store.LinkSecret(ctx); err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// link returns the URL of a signed link.
func (r *Runner) link(purpose, subject string, now time.Time) string {
	ttl := r.Config.LinkTTL
	if purpose == saperi.LinkUnsubscribe {
		ttl = 366 * 24 * time.Hour
	}
	return r.Config.BaseURL + "/l/" + saperi.SignLink(r.secret, saperi.Link{Purpose: purpose, Subject: subject, Expires: now.Add(ttl)})
}

func (r *Runner) messageID(key string) string {
	host := "saperi.localhost"
	if u, err := url.Parse(r.Config.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return strings.NewReplacer("/", ".", "@", "=").Replace(key) + "@" + host
}

// Options select what a run does.
type Options struct {
	// Week is the ISO week ("2026-W48") the run is for: it keys the
	// records. Empty means the week of now.
	Week string
	// DryRun composes and prints the mails to Out without sending or
	// recording anything.
	DryRun bool
	// Only restricts the run to mails to this address.
	Only string
	Out  io.Writer
}

// Report says what a run did.
type Report struct {
	Week                                           string
	Composed, Planned, Sent, Skipped, Failed, Done int
}

// Compose renders every digest of week as of now: one per person with an
// email, no unsubscription and something to say; one per hub address.
func (r *Runner) Compose(ctx context.Context, snap *Snapshot, week string) ([]*Message, error) {
	now := r.Now()
	c := &composer{s: snap, t: r.T, now: now, links: func(p, s string) string { return r.link(p, s, now) }}
	var out []*Message
	var ids []uint64
	for id := range snap.Profiles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := snap.Profiles[id]
		email := p.Contacts.Email
		if email == "" || snap.Unsubscribed[strings.ToLower(email)] {
			continue
		}
		d := c.personal(p)
		if d.Empty() {
			continue
		}
		key := fmt.Sprintf("digest/%s/personal/%d", week, p.ID)
		unsub := r.link(saperi.LinkUnsubscribe, email, now)
		name, _, _ := strings.Cut(p.Name, " ")
		if p.Kind == saperi.Organisation {
			name = p.Name
		}
		html, text, err := r.render.render("personal", d.Lang, personalView{Personal: d, Name: name, Week: week, Unsubscribe: unsub})
		if err != nil {
			return nil, err
		}
		out = append(out, &Message{Key: key, MessageID: r.messageID(key), From: r.Config.From, To: email,
			Subject: r.T.Translate(d.Lang, "digest.personal.subject", nil), Text: text, HTML: html, Unsubscribe: unsub})
	}
	for _, h := range snap.Hubs {
		d := c.hub(h, r.Config.UnmatchedDays)
		if d.Empty() {
			continue
		}
		lang := r.T.Languages()[0]
		chart := chartPNG([]int{d.Numbers.NewOffers, d.Numbers.NewNeeds, d.Numbers.Proposed, d.Numbers.Connected, d.Numbers.Done}, chartColours)
		for _, email := range h.Emails {
			if snap.Unsubscribed[strings.ToLower(email)] {
				continue
			}
			key := fmt.Sprintf("digest/%s/hub/%d/%s", week, h.ID, strings.ToLower(email))
			unsub := r.link(saperi.LinkUnsubscribe, email, now)
			v := hubView{HubDigest: d, Week: week, Unsubscribe: unsub, ChartCID: "week-chart@saperi",
				Noticeboard: fmt.Sprintf("%s/hubs/%d/noticeboard?lang=%s", r.Config.BaseURL, h.ID, lang)}
			html, text, err := r.render.render("hub", lang, v)
			if err != nil {
				return nil, err
			}
			out = append(out, &Message{Key: key, MessageID: r.messageID(key), From: r.Config.From, To: email,
				Subject: r.T.Translate(lang, "digest.hub.subject", map[string]any{"Hub": h.Name}), Text: text, HTML: html,
				Unsubscribe: unsub, Inline: []Inline{{CID: "week-chart@saperi", Name: "week.png", ContentType: "image/png", Data: chart}}})
		}
	}
	return out, nil
}

// Run composes, plans and sends week's digests. Run again after a crash,
// it sends what the crashed run had not.
func (r *Runner) Run(ctx context.Context, o Options) (Report, error) {
	now := r.Now()
	week := o.Week
	if week == "" {
		week = saperi.ISOWeek(now)
	}
	rep := Report{Week: week}
	snap, err := Load(ctx, r.Store)
	if err != nil {
		return rep, err
	}
	msgs, err := r.Compose(ctx, snap, week)
	if err != nil {
		return rep, err
	}
	if o.Only != "" {
		kept := msgs[:0]
		for _, m := range msgs {
			if strings.EqualFold(m.To, o.Only) {
				kept = append(kept, m)
			}
		}
		msgs = kept
	}
	rep.Composed = len(msgs)
	if o.DryRun {
		return rep, printDry(o.Out, msgs)
	}
	byKey := map[string]*Message{}
	plan := make([]saperi.Send, 0, len(msgs))
	for _, m := range msgs {
		byKey[m.Key] = m
		kind := saperi.SendPersonal
		if strings.Contains(m.Key, "/hub/") {
			kind = saperi.SendHub
		}
		plan = append(plan, saperi.Send{Key: m.Key, Kind: kind, Week: week, To: m.To, State: saperi.SendPending,
			MessageID: m.MessageID, Planned: now, Updated: now})
	}
	if rep.Planned, err = r.Store.PlanSends(ctx, plan); err != nil {
		return rep, err
	}
	recs, err := r.Store.Sends(ctx, "digest/"+week+"/")
	if err != nil {
		return rep, err
	}
	for _, rec := range recs {
		if o.Only != "" && !strings.EqualFold(rec.To, o.Only) {
			continue
		}
		if rec.State.Done() {
			rep.Done++
			continue
		}
		m := byKey[rec.Key]
		if m != nil {
			// Unsubscribing is honoured at once, also in the middle of a run.
			gone, err := r.Store.IsUnsubscribed(ctx, m.To)
			if err != nil {
				return rep, err
			}
			if gone {
				m = nil
			}
		}
		if m == nil {
			// Planned by an earlier run, but there is nothing to say now
			// (answered meanwhile) or the person unsubscribed.
			if err := r.mark(ctx, rec.Key, saperi.SendSkipped, ""); err != nil {
				return rep, err
			}
			rep.Skipped++
			continue
		}
		st, err := r.deliver(ctx, m)
		if err != nil {
			return rep, err
		}
		if st == saperi.SendSent {
			rep.Sent++
		} else {
			rep.Failed++
		}
	}
	if o.Only == "" {
		if _, err := r.Store.PlanSends(ctx, []saperi.Send{{Key: RunKey("digest", week), Kind: saperi.SendRun, Week: week,
			State: saperi.SendSent, Planned: now, Updated: r.Now()}}); err != nil {
			return rep, err
		}
	}
	r.Log.Info("digest run", "week", week, "composed", rep.Composed, "sent", rep.Sent, "skipped", rep.Skipped,
		"failed", rep.Failed, "already_done", rep.Done)
	return rep, nil
}

// RunKey is the key of the record that marks a week's run of what
// ("digest", "assign") complete.
func RunKey(what, week string) string { return "run/" + what + "/" + week }

// deliver sends one planned mail: mark sending, send with retries on
// temporary errors, mark sent (or failed when the server refuses it for
// good). Store errors abort the run.
func (r *Runner) deliver(ctx context.Context, m *Message) (saperi.SendState, error) {
	if err := r.fail(stepBeforeSend, m.Key); err != nil {
		return "", err
	}
	if _, err := r.Store.UpdateSend(ctx, m.Key, func(s *saperi.Send) error {
		s.State = saperi.SendSending
		s.Attempts++
		s.Updated = r.Now()
		return nil
	}); err != nil {
		return "", err
	}
	var sendErr error
	wait := r.Config.Backoff
	for attempt := 1; attempt <= r.Config.Attempts; attempt++ {
		sendErr = r.Mailer.Send(ctx, m)
		if sendErr == nil || !Temporary(sendErr) || attempt == r.Config.Attempts {
			break
		}
		r.Log.Warn("temporary send failure, will retry", "key", m.Key, "attempt", attempt, "wait", wait, "err", sendErr)
		if err := r.Sleep(ctx, wait); err != nil {
			return "", err
		}
		wait *= 2
	}
	if sendErr != nil && ctx.Err() != nil {
		return "", errors.Join(ctx.Err(), sendErr)
	}
	if err := r.fail(stepAfterSend, m.Key); err != nil {
		return "", err
	}
	state, msg := saperi.SendSent, ""
	if sendErr != nil {
		state, msg = saperi.SendFailed, sendErr.Error()
		r.Log.Error("send failed", "key", m.Key, "to", m.To, "err", sendErr)
	}
	if err := r.mark(ctx, m.Key, state, msg); err != nil {
		return "", err
	}
	if err := r.fail(stepAfterMark, m.Key); err != nil {
		return "", err
	}
	if r.Config.Rate > 0 {
		if err := r.Sleep(ctx, time.Duration(float64(time.Second)/r.Config.Rate)); err != nil {
			return "", err
		}
	}
	return state, nil
}

func (r *Runner) mark(ctx context.Context, key string, st saperi.SendState, msg string) error {
	_, err := r.Store.UpdateSend(ctx, key, func(s *saperi.Send) error {
		s.State = st
		s.Error = msg
		s.Updated = r.Now()
		return nil
	})
	return err
}

func (r *Runner) fail(step, key string) error {
	if r.failAt == nil {
		return nil
	}
	return r.failAt(step, key)
}

// printDry writes the mails a run would send, text parts in full.
func printDry(w io.Writer, msgs []*Message) error {
	if w == nil {
		return nil
	}
	for _, m := range msgs {
		if _, err := fmt.Fprintf(w, "──── %s\nTo: %s\nSubject: %s\n\n%s\n", m.Key, m.To, m.Subject, m.Text); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d mails would be sent.\n", len(msgs))
	return err
}
