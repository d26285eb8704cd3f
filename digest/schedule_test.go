package digest

import (
	"context"
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
