package jobs

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// On a shared queue the training processes tell each other, through PostgreSQL
// advisory locks on their liveness connection (liveness.go), what a gate needs to
// decide whether to keep an arm or hand it back (gate.go): a trainer's lock, held for
// as long as the process trains, and a busy lock, held while it takes no more arms
// (every slot taken by an experiment of which it holds its share). Locks go with the
// connection, so a killed worker stops counting at once.

const (
	// trainerClass is the first key of the lock every training process holds (a
	// worker, a server with --workers above 0; not serve --workers 0).
	trainerClass = 0x7477
	// busyClass is the first key of the lock a training process holds while it takes
	// no more arms.
	busyClass = 0x7462
)

// peerCount is what this process knows of the other training processes.
type peerCount struct {
	others int // other live training processes
	free   int // of those, how many have room for more arms
}

// Trainers counts the other live training processes and those of them with room.
// Advisory locks are per database (one server may hold several labs'), and this
// process's own are left out by its liveness connection's server process.
func (q *Queue) Trainers(ctx context.Context) (peerCount, error) {
	var p peerCount
	if q.live == nil {
		return p, nil
	}
	var busy int
	err := q.pool.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE classid::bigint = $1),
			count(*) FILTER (WHERE classid::bigint = $2)
		FROM pg_locks
		WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND pid <> $3
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		trainerClass, busyClass, q.live.pid).Scan(&p.others, &busy)
	p.free = max(p.others-busy, 0)
	return p, err
}

// SetBusy says whether this process takes no more arms. It does not wait: the
// lock follows the latest word on the liveness connection.
func (q *Queue) SetBusy(busy bool) {
	if q.live != nil && q.live.busy != nil {
		q.live.busy.set(busy)
	}
}

// busyLock holds or lets go of this process's busy lock to match the latest set.
type busyLock struct {
	conn *sql.Conn
	id   string
	mu   sync.Mutex
	want bool
	wake chan struct{}
	quit chan struct{}
	done chan struct{}
}

func newBusyLock(conn *sql.Conn, clientID string) *busyLock {
	b := &busyLock{conn: conn, id: clientID, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

func (b *busyLock) set(busy bool) {
	b.mu.Lock()
	b.want = busy
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// run applies the wanted state; a lock taken twice in one session would need two
// unlocks, so it only locks when it holds none.
func (b *busyLock) run() {
	defer close(b.done)
	held := false
	for {
		select {
		case <-b.quit:
			return
		case <-b.wake:
		}
		b.mu.Lock()
		want := b.want
		b.mu.Unlock()
		if want == held {
			continue
		}
		query := "SELECT pg_advisory_lock($1, hashtext($2))"
		if !want {
			query = "SELECT pg_advisory_unlock($1, hashtext($2))"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := b.conn.ExecContext(ctx, query, busyClass, b.id); err == nil {
			held = want
		}
		cancel()
	}
}

// stop ends run before the connection is let go.
func (b *busyLock) stop() {
	close(b.quit)
	<-b.done
}
