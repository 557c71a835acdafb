package jobs

import (
	"context"
	"testing"
	"time"

	"transferlab/backend/data"
)

func TestWarmBuiltinsRecordsEveryBuiltinsSize(t *testing.T) {
	l := newLab(t, t.TempDir())
	ctx := context.Background()
	if _, err := l.queue.Client.Insert(ctx, WarmBuiltinsArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for _, b := range data.Builtins() {
		for {
			row, err := l.db.Dataset(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if row.NumImages > 0 {
				if row.NumClasses < 5 || row.Channels != 1 || row.Height != 28 {
					t.Fatalf("%s recorded as %+v", b.ID, row)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never got its size", b.ID)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
