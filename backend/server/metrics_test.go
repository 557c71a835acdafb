package server

import (
	"bufio"
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/jobs"
)

// scrape reads /metrics and returns each sample line's value by its series, e.g.
// `transferlab_live_viewers` or `transferlab_jobs{kind="train_arm",state="queued"}`.
func scrape(t *testing.T, ts *testServer) (map[string]float64, string) {
	t.Helper()
	status, h, body := ts.do(t, "GET", "/metrics", "")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics answered %d %q: %.300s", status, h.Get("Content-Type"), body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out, body
}

func TestMetricsTimeRequestsByRoutePatternNotPath(t *testing.T) {
	ts := newTestServer(t)
	series := `transferlab_http_request_duration_seconds_count{code="404",method="GET",route="/api/runs/:id"}`
	before, _ := scrape(t, ts)
	for _, id := range []string{"run_nope1", "run_nope2", "run_nope3"} {
		if status, _, _ := ts.do(t, "GET", "/api/runs/"+id, ""); status != 404 {
			t.Fatalf("GET /api/runs/%s: %d", id, status)
		}
	}
	ts.do(t, "GET", "/api/no/such/route/xyz", "")
	after, body := scrape(t, ts)
	if got := after[series] - before[series]; got != 3 {
		t.Fatalf("%s went up by %v, want 3", series, got)
	}
	if strings.Contains(body, "run_nope") || strings.Contains(body, "xyz") {
		t.Fatal("a raw path made its own series; only route patterns may")
	}
	if after[`transferlab_http_request_duration_seconds_count{code="404",method="GET",route="(no route)"}`] < 1 {
		t.Fatal("a request no route matched is not counted under (no route)")
	}
}

func TestMetricsCountQueuedAndRunningJobsPerKind(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "queue.db")
	q, err := jobs.Open(ctx, path, jobs.Config{UploadsDir: t.TempDir(), DatasetsDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(ctx) })
	ts := newTestServer(t, func(d *Deps) { d.Queue = q })
	m, _ := scrape(t, ts)
	for _, kind := range []string{"train_arm", "sweep_uploads", "warm_builtins"} {
		for _, state := range []string{"queued", "running"} {
			if v, ok := m[`transferlab_jobs{kind="`+kind+`",state="`+state+`"}`]; !ok || v != 0 {
				t.Fatalf("empty queue: %s %s = %v (present %v), want 0", kind, state, v, ok)
			}
		}
	}
	for range 2 {
		if _, err := q.Client.Insert(ctx, jobs.SweepUploadsArgs{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	m, _ = scrape(t, ts)
	if got := m[`transferlab_jobs{kind="sweep_uploads",state="queued"}`]; got != 2 {
		t.Fatalf("queued sweep_uploads = %v, want 2", got)
	}
	// A worker in another process takes one: the count comes from the shared table.
	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = CURRENT_TIMESTAMP WHERE id = (SELECT MIN(id) FROM river_job)`); err != nil {
		t.Fatal(err)
	}
	m, _ = scrape(t, ts)
	if q, r := m[`transferlab_jobs{kind="sweep_uploads",state="queued"}`], m[`transferlab_jobs{kind="sweep_uploads",state="running"}`]; q != 1 || r != 1 {
		t.Fatalf("sweep_uploads queued %v running %v, want 1 and 1", q, r)
	}
	if m["transferlab_jobs_up"] != 1 {
		t.Fatal("transferlab_jobs_up is not 1 while the queue answers")
	}
}

func TestMetricsCountLiveViewers(t *testing.T) {
	f := newLiveFixture(t, 16, 16)
	before, _ := scrape(t, f.ts)
	conn := f.dial(t, "")
	read(t, conn) // the snapshot: the viewer has joined
	during, _ := scrape(t, f.ts)
	if got := during["transferlab_live_viewers"] - before["transferlab_live_viewers"]; got != 1 {
		t.Fatalf("live viewers went up by %v, want 1", got)
	}
	conn.Close()
	// The server notices the close on its next read; wait for it, with no time limit
	// asserted beyond the test's own.
	for {
		now, _ := scrape(t, f.ts)
		if now["transferlab_live_viewers"] == before["transferlab_live_viewers"] {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMetricsCountImportedBytes(t *testing.T) {
	ts, _ := datasetServer(t, 10<<20)
	zip := shapesZip(t)
	before, _ := scrape(t, ts)
	status, body := ts.uploadDataset(t, "/api/datasets", formField{name: "file", fileName: "shapes.zip", body: zip})
	if status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	ts.uploadDataset(t, "/api/datasets", formField{name: "file", fileName: "junk.zip", body: []byte("not a zip at all")})
	after, _ := scrape(t, ts)
	if got := after[`transferlab_import_bytes_total{result="ok"}`] - before[`transferlab_import_bytes_total{result="ok"}`]; got != float64(len(zip)) {
		t.Fatalf("imported bytes went up by %v, want %d", got, len(zip))
	}
	if after[`transferlab_import_bytes_total{result="failed"}`] <= before[`transferlab_import_bytes_total{result="failed"}`] {
		t.Fatal("a refused import is not counted as failed")
	}
}

func TestMetricsNeedTheTokenLikeEveryRoute(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Guard.Token = "s3cret" })
	if status, _, body := ts.send(t, "GET", "/metrics", "", nil); status != 401 || errorCode(t, body) != "unauthorized" {
		t.Fatalf("/metrics without the token: %d %s", status, body)
	}
	if status, _, _ := ts.send(t, "GET", "/metrics", "", map[string]string{"Authorization": "Bearer s3cret"}); status != 200 {
		t.Fatalf("/metrics with the token: %d", status)
	}
	if status, _, _ := ts.send(t, "GET", "/api/openapi.json", "", map[string]string{"Authorization": "Bearer s3cret"}); status != 200 {
		t.Fatalf("/api/openapi.json with the token: %d", status)
	}
}

func TestHealthNamesTheStoreOrDatabaseThatIsDown(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	ts := newTestServer(t, func(d *Deps) { d.DataDir = datadir.New(notADir) })
	status, _, body := ts.do(t, "GET", "/api/health", "")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"store":"unavailable"`) ||
		!strings.Contains(body, `"unavailable":["store"]`) || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("missing data directory: %d %s", status, body)
	}

	ts = newTestServer(t)
	if status, _, body := ts.do(t, "GET", "/api/health", ""); status != 200 || !strings.Contains(body, `"unavailable":[]`) ||
		!strings.Contains(body, `"disk_free_bytes":`) || strings.Contains(body, `"disk":"unknown"`) {
		t.Fatalf("all up: %d %s", status, body)
	}
	ts.db.Close()
	status, _, body = ts.do(t, "GET", "/api/health", "")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"database":"unavailable"`) || !strings.Contains(body, `"unavailable":["database"]`) {
		t.Fatalf("closed database: %d %s", status, body)
	}
}
