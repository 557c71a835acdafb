package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// On a shared queue every process holds an advisory lock named for its River client
// for as long as it lives; PostgreSQL lets go of it when the process's connection dies,
// kill -9 included. A running job whose client's lock anyone can take was left by a dead
// process, and goes back to the queue to resume from its checkpoint, as a single
// server's orphans do at its restart.

// livenessClass is the first key of every client's lock: "tl" for Transfer Lab.
const livenessClass = 0x746c

// deadWorkerPoll is how often a process looks for jobs of dead ones.
const deadWorkerPoll = 10 * time.Second

// liveness holds this process's lock and looks for the dead.
type liveness struct {
	conn    *sql.Conn
	pid     int  // the connection's server process, whose locks are this process's
	started bool // watchDead runs
	stop    chan struct{}
	done    chan struct{}
	busy    *busyLock // nil unless this process trains
}

// holdLiveness takes this client's lock, and its trainer's lock if it trains, on a
// connection kept for the purpose. It comes before Start, so the client holds them
// before it fetches any job.
func (q *Queue) holdLiveness(ctx context.Context, trains bool) error {
	conn, err := q.pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open job queue: %w", err)
	}
	classes := []int{livenessClass}
	if trains {
		classes = append(classes, trainerClass)
	}
	for _, class := range classes {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", class, q.Client.ID()); err != nil {
			conn.Close()
			return fmt.Errorf("open job queue: %w", err)
		}
	}
	q.live = &liveness{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&q.live.pid); err != nil {
		conn.Close()
		return fmt.Errorf("open job queue: %w", err)
	}
	if trains {
		q.live.busy = newBusyLock(conn, q.Client.ID())
	}
	return nil
}

// RequeueDead makes the running jobs of processes that died available again and says
// how many there were.
func (q *Queue) RequeueDead(ctx context.Context) (int64, error) {
	rows, err := q.pool.QueryContext(ctx, `SELECT DISTINCT attempted_by[cardinality(attempted_by)] FROM river_job
		WHERE state = 'running' AND cardinality(attempted_by) > 0 AND attempted_by[cardinality(attempted_by)] <> $1`, q.Client.ID())
	if err != nil {
		return 0, fmt.Errorf("find jobs of stopped workers: %w", err)
	}
	var clients []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		clients = append(clients, id)
	}
	rows.Close()
	var n int64
	for _, id := range clients {
		dead, err := q.clientDead(ctx, id)
		if err != nil || !dead {
			continue
		}
		res, err := q.pool.ExecContext(ctx, `UPDATE river_job SET state = 'available', max_attempts = max_attempts + 1
			WHERE state = 'running' AND attempted_by[cardinality(attempted_by)] = $1`, id)
		if err != nil {
			return n, fmt.Errorf("requeue jobs of a stopped worker: %w", err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

// clientDead tries the client's lock on one connection and lets it go at once.
func (q *Queue) clientDead(ctx context.Context, clientID string) (bool, error) {
	conn, err := q.pool.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, hashtext($2))", livenessClass, clientID).Scan(&got); err != nil || !got {
		return false, err
	}
	_, err = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, hashtext($2))", livenessClass, clientID)
	return true, err
}

// watchDead requeues dead processes' jobs now and every deadWorkerPoll until Stop.
func (q *Queue) watchDead(logger *slog.Logger) {
	defer close(q.live.done)
	tick := time.NewTicker(deadWorkerPoll)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), deadWorkerPoll)
		if n, err := q.RequeueDead(ctx); err != nil {
			logger.Warn("could not check for jobs of stopped workers", "err", err)
		} else if n > 0 {
			logger.Info("resuming jobs of a stopped worker", "jobs", n)
		}
		cancel()
		select {
		case <-q.live.stop:
			return
		case <-tick.C:
		}
	}
}

// endLiveness stops watching and lets go of this process's lock.
func (q *Queue) endLiveness() {
	if q.live == nil {
		return
	}
	close(q.live.stop)
	if q.live.started {
		<-q.live.done
	}
	if q.live.busy != nil {
		q.live.busy.stop()
	}
	// Unlocked before the connection goes back to the pool: a closed connection's
	// session, and its lock, may outlive it for a moment on the server.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	q.live.conn.ExecContext(ctx, "SELECT pg_advisory_unlock_all()")
	q.live.conn.Close()
}
