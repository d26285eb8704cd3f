package digest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// Schedule is when the weekly run happens: a weekday and a time of day in
// a time zone (by default Monday 08:00 Europe/Rome).
type Schedule struct {
	Weekday      time.Weekday
	Hour, Minute int
	Loc          *time.Location
}

// ParseSchedule reads a weekday ("monday", "mon"), a time ("08:00") and a
// time zone ("Europe/Rome").
func ParseSchedule(day, at, zone string) (Schedule, error) {
	var s Schedule
	found := false
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if l := strings.ToLower(strings.TrimSpace(day)); l == name || (len(l) >= 3 && strings.HasPrefix(name, l)) {
			s.Weekday, found = d, true
		}
	}
	if !found {
		return s, fmt.Errorf("weekday %q: use monday … sunday", day)
	}
	t, err := time.Parse("15:04", at)
	if err != nil {
		return s, fmt.Errorf("time %q: use HH:MM, e.g. 08:00", at)
	}
	s.Hour, s.Minute = t.Hour(), t.Minute()
	if s.Loc, err = time.LoadLocation(zone); err != nil {
		return s, fmt.Errorf("time zone %q: %w", zone, err)
	}
	return s, nil
}

// Slot returns the run time of the ISO week that contains t.
func (s Schedule) Slot(t time.Time) time.Time {
	t = t.In(s.Loc)
	monday := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.Loc).AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	day := monday.AddDate(0, 0, (int(s.Weekday)+6)%7)
	return time.Date(day.Year(), day.Month(), day.Day(), s.Hour, s.Minute, 0, 0, s.Loc)
}

// Next returns the first run time after t.
func (s Schedule) Next(t time.Time) time.Time {
	slot := s.Slot(t)
	if slot.After(t) {
		return slot
	}
	return s.Slot(t.AddDate(0, 0, 7))
}

// Scheduler runs the weekly job at each slot, and at start when this
// week's slot has passed without a completed run (the server was down):
// a week is never skipped. A first start is not a missed week: with Ever
// set and no run ever completed, a slot that passed before the loop
// started is left alone, so a new installation sends nothing that nobody
// asked for; its first run is at the next slot.
type Scheduler struct {
	Schedule Schedule
	Now      Clock
	// Done reports whether week's run completed.
	Done func(ctx context.Context, week string) (bool, error)
	// Ever reports whether any weekly run ever completed (RunEver).
	Ever func(ctx context.Context) (bool, error)
	// Run runs week's job.
	Run   func(ctx context.Context, week string) error
	Log   *slog.Logger
	Sleep func(ctx context.Context, d time.Duration) error
}

// Loop runs until ctx ends.
func (s *Scheduler) Loop(ctx context.Context) {
	if s.Sleep == nil {
		s.Sleep = sleep
	}
	started := s.Now()
	for ctx.Err() == nil {
		now := s.Now()
		week := saperi.ISOWeek(now.In(s.Schedule.Loc))
		wait := s.Schedule.Next(now).Sub(now)
		if slot := s.Schedule.Slot(now); !now.Before(slot) {
			done, err := s.Done(ctx, week)
			if err == nil && !done && slot.Before(started) && s.Ever != nil {
				// Missed before this start: catch up only a schedule
				// that has run before.
				var ever bool
				if ever, err = s.Ever(ctx); err == nil && !ever {
					done = true
					s.Log.Info("first start: no catch-up run; the first weekly run is at the next slot", "week", week)
				}
			}
			if err == nil && !done {
				s.Log.Info("weekly digest run", "week", week)
				err = s.Run(ctx, week)
			}
			if err != nil && ctx.Err() == nil {
				s.Log.Error("weekly digest run failed; retrying in 10 minutes", "week", week, "err", err)
				wait = 10 * time.Minute
			}
		}
		// Wake at least hourly, so clock changes and long sleeps of the
		// machine do not push a run back by a week.
		if err := s.Sleep(ctx, min(wait, time.Hour)); err != nil {
			return
		}
	}
}

// Weekly is the job the scheduler runs: the week's assignment, once, then
// the digests.
func Weekly(r *Runner, eng Candidates, o AssignOptions) func(ctx context.Context, week string) error {
	return func(ctx context.Context, week string) error {
		now := r.Now()
		if _, err := r.Store.Send(ctx, RunKey("assign", week)); saperi.ErrorCode(err) == saperi.ENOTFOUND {
			a, err := Plan(ctx, r.Store, eng, now, o)
			if err != nil {
				return err
			}
			n, err := a.Store(ctx, r.Store, now)
			if err != nil {
				return err
			}
			r.Log.Info("weekly assignment", "week", week, "proposed", n, "total_score", matcher.Total(a.Proposed))
			if _, err := r.Store.PlanSends(ctx, []saperi.Send{{Key: RunKey("assign", week), Kind: saperi.SendRun, Week: week,
				State: saperi.SendSent, Planned: now, Updated: now}}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		_, err := r.Run(ctx, Options{Week: week})
		return err
	}
}

// RunEver reports whether any weekly digest run ever completed.
func RunEver(st Store) func(ctx context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		done, err := st.Sends(ctx, "run/digest/")
		return len(done) > 0, err
	}
}

// RunDone reports whether week's digest run completed.
func RunDone(st Store) func(ctx context.Context, week string) (bool, error) {
	return func(ctx context.Context, week string) (bool, error) {
		_, err := st.Send(ctx, RunKey("digest", week))
		switch saperi.ErrorCode(err) {
		case "":
			return true, nil
		case saperi.ENOTFOUND:
			return false, nil
		}
		return false, err
	}
}
