package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome in a static binary without the system's zoneinfo

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
)

// mailConfig configures mail: SMTP (or the outbox folder when no host is
// set), the links in mails, the throttle, and the weekly schedule.
type mailConfig struct {
	SMTPHost, SMTPUser, SMTPPassword, SMTPFrom, SMTPTLS string
	SMTPPort                                            int
	BaseURL                                             string
	Rate                                                float64
	rate                                                string
	Day, At, Zone                                       string
	UnmatchedDays                                       int
	PerNeed                                             int
}

func (f *flags) mail(c *mailConfig) {
	f.str(&c.SMTPHost, "smtp-host", "SAPERI_SMTP_HOST", "", "SMTP server; empty writes each mail as an .eml file in DATA/outbox/")
	f.int(&c.SMTPPort, "smtp-port", "SAPERI_SMTP_PORT", 587, "SMTP port")
	f.str(&c.SMTPUser, "smtp-user", "SAPERI_SMTP_USER", "", "SMTP user name (empty: no authentication)")
	f.str(&c.SMTPPassword, "smtp-password", "SAPERI_SMTP_PASSWORD", "", "SMTP password (prefer the environment variable)")
	f.str(&c.SMTPFrom, "smtp-from", "SAPERI_SMTP_FROM", "Saperi <saperi@localhost>", "sender of every mail")
	f.str(&c.SMTPTLS, "smtp-tls", "SAPERI_SMTP_TLS", "starttls", "starttls (required), opportunistic, tls (implicit, port 465) or none")
	f.str(&c.BaseURL, "base-url", "SAPERI_BASE_URL", "http://127.0.0.1:8080", "address of this server as people reach it; links in mails start with it")
	f.str(&c.rate, "mail-rate", "SAPERI_MAIL_RATE", "5", "at most this many mails per second (0: no limit)")
	f.str(&c.Day, "digest-day", "SAPERI_DIGEST_DAY", "monday", "weekday of the weekly run")
	f.str(&c.At, "digest-time", "SAPERI_DIGEST_TIME", "08:00", "time of the weekly run")
	f.str(&c.Zone, "digest-tz", "SAPERI_DIGEST_TZ", "Europe/Rome", "time zone of the weekly run")
	f.int(&c.UnmatchedDays, "digest-unmatched-days", "SAPERI_DIGEST_UNMATCHED_DAYS", 14, "hub digests list needs unmatched for more than this many days")
	f.int(&c.PerNeed, "assign-per-need", "SAPERI_ASSIGN_PER_NEED", 3, "the weekly assignment gives a need at most this many open proposals")
}

func (c *mailConfig) check() error {
	var r float64
	if _, err := fmt.Sscanf(c.rate, "%g", &r); err != nil || r < 0 {
		return usageError{fmt.Errorf("--mail-rate %q: a number of mails per second, 0 for no limit", c.rate)}
	}
	c.Rate = r
	if c.PerNeed < 1 || c.PerNeed > 20 {
		return usageError{fmt.Errorf("--assign-per-need %d: use 1 to 20", c.PerNeed)}
	}
	if _, err := digest.ParseSchedule(c.Day, c.At, c.Zone); err != nil {
		return usageError{fmt.Errorf("digest schedule: %w", err)}
	}
	return nil
}

// newRunner wires the digest runner: the store, SMTP or the outbox folder,
// the web catalogs.
func newRunner(ctx context.Context, a *app, data string, mc mailConfig, log *slog.Logger) (*digest.Runner, error) {
	cat, err := locale.New()
	if err != nil {
		return nil, err
	}
	cat.SetConceptNames(a.ix.ConceptName)
	var m digest.Mailer = &digest.DirMailer{Dir: filepath.Join(data, "outbox"), Now: time.Now}
	if mc.SMTPHost != "" {
		if m, err = digest.NewSMTPMailer(digest.SMTPConfig{Host: mc.SMTPHost, Port: mc.SMTPPort, User: mc.SMTPUser,
			Password: mc.SMTPPassword, TLS: mc.SMTPTLS}, time.Now); err != nil {
			return nil, usageError{err}
		}
	}
	r := &digest.Runner{Store: a.db, Mailer: m, T: cat, Now: time.Now, Log: log,
		Config: digest.Config{BaseURL: mc.BaseURL, From: mc.SMTPFrom, Rate: mc.Rate, UnmatchedDays: mc.UnmatchedDays}}
	if err := r.Init(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func runAssign(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c      common
		ec     engineConfig
		mc     mailConfig
		dryRun bool
	)
	f := newFlags("assign", "", "Run the weekly assignment: gather ranked candidates for every open need, choose the\n"+
		"set of proposals with the highest total score that respects each offer's capacity and\n"+
		"--assign-per-need, and store them as proposed matches. --dry-run prints them and the\n"+
		"total score against a greedy top-1 baseline instead. Stop the server first.", stdout)
	f.common(&c)
	f.engine(&ec)
	f.mail(&mc)
	f.bool(&dryRun, "dry-run", "", false, "print what would be proposed; change nothing")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := mc.check(); err != nil {
		return err
	}
	a, _, err := c.open(ctx, ec, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	now := time.Now().UTC()
	plan, err := digest.Plan(ctx, a.db, a.engine, now, digest.AssignOptions{PerNeed: mc.PerNeed, MinScore: a.engine.Threshold})
	if err != nil {
		return err
	}
	took := time.Since(start)
	if dryRun {
		titles := map[uint64]string{}
		var ids []uint64
		for _, arc := range plan.Proposed {
			ids = append(ids, arc.NeedID, arc.OfferID)
		}
		ps, err := a.db.Postings(ctx, ids)
		if err != nil {
			return err
		}
		for _, p := range ps {
			titles[p.ID] = p.Title
		}
		for _, arc := range plan.Proposed {
			fmt.Fprintf(stdout, "%.3f  need %d %q ← offer %d %q\n", arc.Score, arc.NeedID, titles[arc.NeedID], arc.OfferID, titles[arc.OfferID])
		}
	}
	fmt.Fprintf(stdout, "Candidates: %d arcs for %d needs.\n", len(plan.Problem.Arcs), len(plan.Problem.NeedCap))
	fmt.Fprintf(stdout, "Assignment (≤%d per need): %d proposals, total score %.3f.\n", mc.PerNeed, len(plan.Proposed), matcher.Total(plan.Proposed))
	fmt.Fprintf(stdout, "Assignment (≤1 per need):  %d proposals, total score %.3f.\n", len(plan.OnePerNeed), matcher.Total(plan.OnePerNeed))
	fmt.Fprintf(stdout, "Greedy top-1 baseline:      %d proposals, total score %.3f.\n", len(plan.Greedy), matcher.Total(plan.Greedy))
	fmt.Fprintf(stdout, "Gathered and assigned in %s.\n", took.Round(time.Millisecond))
	if dryRun {
		return nil
	}
	n, err := plan.Store(ctx, a.db, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Stored %d proposed matches.\n", n)
	return nil
}

func runDigest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c      common
		ec     engineConfig
		mc     mailConfig
		week   string
		only   string
		dryRun bool
	)
	f := newFlags("digest", "", "Compose and send the weekly digests: one per person with an email and something to say,\n"+
		"one per hub address. Each send is recorded per recipient and week: run it again after a\n"+
		"crash and it sends what was not sent, never twice. Without --smtp-host the mails are\n"+
		"written to DATA/outbox/ as .eml files. Stop the server first (it runs digests itself).", stdout)
	f.common(&c)
	f.engine(&ec)
	f.mail(&mc)
	f.str(&week, "week", "", "", "ISO week the run is for, e.g. 2026-W48 (default: this week)")
	f.str(&only, "only", "", "", "send only the mails to this address")
	f.bool(&dryRun, "dry-run", "", false, "print the mails; send and record nothing")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := mc.check(); err != nil {
		return err
	}
	if week != "" {
		if _, err := saperi.WeekStart(week, time.UTC); err != nil {
			return usageError{fmt.Errorf("--week %q: write it like 2026-W48", week)}
		}
	}
	a, log, err := c.open(ctx, ec, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := newRunner(ctx, a, c.Data, mc, log)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := r.Run(ctx, digest.Options{Week: week, DryRun: dryRun, Only: strings.TrimSpace(only), Out: stdout})
	if err != nil {
		return err
	}
	if !dryRun {
		where := "through " + mc.SMTPHost
		if mc.SMTPHost == "" {
			where = "to " + filepath.Join(c.Data, "outbox")
		}
		fmt.Fprintf(stdout, "Week %s: %d mails composed, %d sent %s, %d already sent before, %d skipped, %d failed, in %s.\n",
			rep.Week, rep.Composed, rep.Sent, where, rep.Done, rep.Skipped, rep.Failed, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// startMail starts the transactional mail loop and the weekly scheduler
// for serve; it returns the notifier, whose MatchConnected,
// PasswordReset, SignupConfirm and SignupTaken are the hooks of the use
// cases and the web server.
func startMail(ctx context.Context, a *app, data string, mc mailConfig, log *slog.Logger, goFn func(func())) (*digest.Notifier, error) {
	r, err := newRunner(ctx, a, data, mc, log)
	if err != nil {
		return nil, err
	}
	n := digest.NewNotifier(r)
	goFn(func() { n.Loop(ctx) })
	sch, _ := digest.ParseSchedule(mc.Day, mc.At, mc.Zone) // checked by mc.check
	s := &digest.Scheduler{Schedule: sch, Now: time.Now, Done: digest.RunDone(a.db), Ever: digest.RunEver(a.db), Log: log,
		Run: digest.Weekly(r, a.engine, digest.AssignOptions{PerNeed: mc.PerNeed, MinScore: a.engine.Threshold})}
	goFn(func() { s.Loop(ctx) })
	return n, nil
}
