package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// ListenLive calls notify with the payload of each live notice (ParseLiveNotice reads
// it) on the
// PostgreSQL database at url, on a connection of its own, until ctx ends. It reconnects
// when the connection drops and then calls resync, since notices sent meanwhile are
// lost. ready, if not nil, is closed once the first LISTEN is in place.
func ListenLive(ctx context.Context, url string, notify func(payload string), resync func(), ready chan<- struct{}) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, url, notify, func() {
			wait = 100 * time.Millisecond
			if ready != nil {
				close(ready)
				ready = nil
			}
			resync()
		})
		if ctx.Err() != nil {
			return
		}
		slog.Warn("live notices interrupted, listening again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func listenOnce(ctx context.Context, url string, notify func(string), listening func()) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+LiveChannel); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		notify(n.Payload)
	}
}
