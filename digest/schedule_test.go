package digest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	s, err := ParseSchedule("monday", "08:00", "Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	rome := s.Loc
	for _, tc := range []struct{ now, want string }{
		{"2026-11-23 07:59", "2026-11-23 08:00"}, // Monday before the slot
		{"2026-11-23 08:00", "2026-11-30 08:00"}, // at the slot: the next one
		{"2026-11-22 23:00", "2026-11-23 08:00"}, // Sunday night
		{"2026-03-28 12:00", "2026-03-30 08:00"}, // across the change to summer time
	} {
		now, _ := time.ParseInLocation("2006-01-02 15:04", tc.now, rome)
		if got := s.Next(now).Format("2006-01-02 15:04"); got != tc.want {
			t.Errorf("Next(%s) = %s, want %s", tc.now, got, tc.want)
		}
	}
	for _, bad := range [][3]string{{"lunedi", "08:00", "Europe/Rome"}, {"mon", "8", "Europe/Rome"}, {"mon", "08:00", "Mars/Olympus"}} {
		if _, err := ParseSchedule(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("ParseSchedule%v: no error", bad)
		}
	}
}

// TestSchedulerCatchesUp: started on Wednesday with this week's run not
// done, the scheduler runs it at once, and not again once done.
func TestSchedulerCatchesUp(t *testing.T) {
	s, _ := ParseSchedule("mon", "08:00", "Europe/Rome")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, s.Loc)
	done := map[string]bool{}
	var runs []string
	ctx, cancel := context.WithCancel(context.Background())
	sleeps := 0
	sch := &Scheduler{Schedule: s, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Done: func(_ context.Context, w string) (bool, error) { return done[w], nil },
		Run: func(_ context.Context, w string) error {
			runs = append(runs, w)
			done[w] = true
			return nil
		},
		Sleep: func(_ context.Context, d time.Duration) error {
			if sleeps++; sleeps == 3 {
				cancel()
				return context.Canceled
			}
			now = now.Add(d)
			return nil
		}}
	sch.Loop(ctx)
	if len(runs) != 1 || runs[0] != "2026-W48" {
		t.Fatalf("runs = %v", runs)
	}
}

// TestSchedulerFirstStart: a first start (no run ever) after this week's
// slot sends no catch-up run; a start after a week missed by a server
// that ran before does; and a first start before the slot runs at it.
func TestSchedulerFirstStart(t *testing.T) {
	s, _ := ParseSchedule("mon", "08:00", "Europe/Rome")
	for _, tc := range []struct {
		name  string
		start time.Time
		ever  bool
		want  []string
	}{
		{"first start after the slot", time.Date(2026, 11, 25, 10, 0, 0, 0, s.Loc), false, nil},
		{"restart after a missed slot", time.Date(2026, 11, 25, 10, 0, 0, 0, s.Loc), true, []string{"2026-W48"}},
		{"first start before the slot", time.Date(2026, 11, 29, 20, 0, 0, 0, s.Loc), false, []string{"2026-W49"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.start
			done := map[string]bool{}
			var runs []string
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sleeps := 0
			sch := &Scheduler{Schedule: s, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Done: func(_ context.Context, w string) (bool, error) { return done[w], nil },
				Ever: func(context.Context) (bool, error) { return tc.ever || len(runs) > 0, nil },
				Run: func(_ context.Context, w string) error {
					runs = append(runs, w)
					done[w] = true
					return nil
				},
				Sleep: func(_ context.Context, d time.Duration) error {
					if sleeps++; sleeps == 20 {
						cancel()
						return context.Canceled
					}
					now = now.Add(d)
					return nil
				}}
			sch.Loop(ctx)
			if fmt.Sprint(runs) != fmt.Sprint(tc.want) {
				t.Fatalf("runs = %v, want %v", runs, tc.want)
			}
		})
	}
}
