package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
)

// DigestBench is the weekly run measured by the digest phase.
type DigestBench struct {
	People    int     `json:"people"`
	Needs     int     `json:"needs"`
	Arcs      int     `json:"arcs"`
	Proposals int     `json:"proposals"`
	Mails     int     `json:"mails"`
	GatherS   float64 `json:"gather_assign_s"`
	// SolveS is the part of GatherS spent in the three assignments
	// (proposed, greedy, one per need).
	SolveS float64 `json:"solve_s"`
	StoreS float64 `json:"store_s"`
	MailS  float64 `json:"mail_s"`
	TotalS float64 `json:"total_s"`
	// Total score of the assignment and of the greedy top-1 baseline.
	Score       float64 `json:"score"`
	GreedyScore float64 `json:"greedy_score"`
}

// benchDigest measures a weekly run (assignment, proposals stored,
// digests composed and recorded) for bc.people generated people with one
// posting each, seven in ten with an email, in a folder of its own. The
// data is generated and indexed first, untimed. Mails go to a counting
// mailer: the time is Saperi's, not an SMTP server's.
func benchDigest(ctx context.Context, dir string, ec engineConfig, bc benchConfig, gen *demo.Gen, now time.Time, progress io.Writer) (*DigestBench, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	a, err := openApp(ctx, dir, ec, quiet)
	if err != nil {
		return nil, err
	}
	defer a.Close()

	var hubs []uint64
	for i := range 10 {
		h := gen.Hub(i)
		h.Emails = []string{fmt.Sprintf("portineria%d@example.org", i+1)}
		if err := a.db.CreateHub(ctx, h); err != nil {
			return nil, err
		}
		hubs = append(hubs, h.ID)
	}
	ev := saperi.Event{At: now, Actor: "bench"}
	for done := 0; done < bc.people; {
		n := min(bc.chunk, bc.people-done)
		ps := make([]*saperi.Profile, n)
		for i := range ps {
			ps[i] = gen.Profile(hubs[(done+i)%len(hubs)])
			if (done+i)%10 < 7 {
				ps[i].Contacts.Email = fmt.Sprintf("persona%d@example.org", done+i)
			}
		}
		if err := a.db.ImportProfiles(ctx, ps, ev); err != nil {
			return nil, err
		}
		posts := make([]*saperi.Posting, n)
		for i, p := range ps {
			posts[i] = gen.Posting(p)
		}
		if err := a.db.ImportPostings(ctx, posts, ev); err != nil {
			return nil, err
		}
		if _, err := a.ix.Sync(ctx); err != nil {
			return nil, err
		}
		done += n
		fmt.Fprintf(progress, "bench: digest: %d/%d people generated and indexed\n", done, bc.people)
	}
	if err := a.ix.Compact(ctx); err != nil {
		return nil, err
	}

	rep := &DigestBench{People: bc.people}
	start := time.Now()
	plan, err := digest.Plan(ctx, a.db, a.engine, now, digest.AssignOptions{MinScore: a.engine.Threshold})
	if err != nil {
		return nil, err
	}
	rep.GatherS = round3(time.Since(start).Seconds())
	rep.SolveS = round3(plan.Solve.Seconds())
	rep.Needs, rep.Arcs = len(plan.Problem.NeedCap), len(plan.Problem.Arcs)
	rep.Score, rep.GreedyScore = round1(matcher.Total(plan.Proposed)), round1(matcher.Total(plan.Greedy))
	fmt.Fprintf(progress, "bench: digest: candidates of %d needs gathered and assigned in %.1f s (%d arcs; assignments %.1f s)\n",
		rep.Needs, rep.GatherS, rep.Arcs, rep.SolveS)

	lap := time.Now()
	if rep.Proposals, err = plan.Store(ctx, a.db, now); err != nil {
		return nil, err
	}
	rep.StoreS = round3(time.Since(lap).Seconds())
	fmt.Fprintf(progress, "bench: digest: %d proposals stored in %.1f s\n", rep.Proposals, rep.StoreS)

	lap = time.Now()
	cat, err := locale.New()
	if err != nil {
		return nil, err
	}
	count := &countMailer{}
	run := &digest.Runner{Store: a.db, Mailer: count, T: cat, Now: func() time.Time { return now }, Log: quiet}
	if err := run.Init(ctx); err != nil {
		return nil, err
	}
	dr, err := run.Run(ctx, digest.Options{Week: saperi.ISOWeek(now)})
	if err != nil {
		return nil, err
	}
	if int64(dr.Sent) != count.n.Load() {
		return nil, fmt.Errorf("bench: digest: the run reports %d mails sent, the mailer saw %d", dr.Sent, count.n.Load())
	}
	rep.Mails = dr.Sent
	rep.MailS = round3(time.Since(lap).Seconds())
	rep.TotalS = round3(time.Since(start).Seconds())
	fmt.Fprintf(progress, "bench: digest: %d digests composed and recorded in %.1f s; weekly run %.1f s\n", rep.Mails, rep.MailS, rep.TotalS)
	return rep, nil
}

// countMailer counts the mails it is given and sends nothing.
type countMailer struct{ n atomic.Int64 }

func (c *countMailer) Send(context.Context, *digest.Message) error { c.n.Add(1); return nil }
