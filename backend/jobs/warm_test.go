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
				grey := row.Channels == 1 && row.Height == 28
				if b.ID == data.IconsID { // the colour example, at the ImageNet model's size
					grey = row.Channels == 3 && row.Height == data.IconsSize
				}
				if row.NumClasses < 5 || !grey {
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
