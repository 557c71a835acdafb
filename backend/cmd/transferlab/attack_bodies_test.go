package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// bigName streams {"name":"aaa…"} of n bytes without holding it in the test's memory.
func bigName(n int64) io.Reader {
	return io.MultiReader(strings.NewReader(`{"name":"`), io.LimitReader(repeatReader('a'), n), strings.NewReader(`"}`))
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// Four 200 MB JSON bodies at once cost main about 2 GB; each must be refused at 64 KB
// with a clear 413, at the cost of a few megabytes.
func TestAttackOversizedJSONBodies(t *testing.T) {
	tg := startTarget(t, "")
	ds := tg.tinyDataset(t, "cats.zip")
	tg.resetPeak(t)
	before := tg.peak(t)
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/api/experiments"
			method := "POST"
			if i%2 == 1 {
				path, method = "/api/datasets/"+ds, "PATCH"
			}
			req, _ := http.NewRequest(method, tg.base+path, bigName(200*mib))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				results[i] = "error: " + err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			results[i] = resp.Status + " " + errCode(string(b))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != "413 Request Entity Too Large body_too_large" {
			t.Errorf("body %d: %s", i, r)
		}
	}
	if grew := tg.peak(t) - before; grew > 64*mib {
		t.Errorf("peak memory grew by %d MiB for four refused bodies", grew/mib)
	}
	t.Logf("peak memory %d MiB after four 200 MB bodies (%d MiB before)", tg.peak(t)/mib, before/mib)
	if n := tg.experimentCount(t); n != 0 {
		t.Errorf("%d experiments made", n)
	}
}

// JSON with something after it was taken as the first value alone.
func TestAttackTrailingGarbage(t *testing.T) {
	tg := startTarget(t, "")
	ds := tg.tinyDataset(t, "cats.zip")
	for _, tail := range []string{`{"dataset_id":"other"}`, `garbage`, `]`} {
		status, _, body := tg.do(t, "POST", "/api/experiments", strings.NewReader(experimentBody(ds)+tail), asJSON)
		if status != 400 || errCode(body) != "bad_json" || !strings.Contains(body, "more after the JSON value") {
			t.Errorf("tail %q: %d %s", tail, status, short(body))
		}
	}
	if n := tg.experimentCount(t); n != 0 {
		t.Fatalf("%d experiments made from bodies with trailing garbage", n)
	}
}

// A 50 MB experiment name was stored on main and copied into every trained model,
// making GET /api/models 252 MB; a dataset's name came unchecked from the file name.
func TestAttackHugeNames(t *testing.T) {
	tg := startTarget(t, "")
	ds := tg.tinyDataset(t, "cats.zip")
	tg.resetPeak(t)
	before := tg.peak(t)
	req, _ := http.NewRequest("POST", tg.base+"/api/experiments", io.MultiReader(
		strings.NewReader(`{"dataset_id":"`+ds+`","arch":"mlp","arms":[{"strategy":"scratch"}],"name":"`),
		io.LimitReader(repeatReader('n'), 50*mib), strings.NewReader(`"}`)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("50 MB name: %d", resp.StatusCode)
	}
	for _, name := range []string{strings.Repeat("n", 10_000), "line\nbreak", "right-to-left \u202Egnp.exe"} {
		body := `{"dataset_id":"` + ds + `","arch":"mlp","arms":[{"strategy":"scratch"}],"name":` + quoteJSON(name) + `}`
		status, _, got := tg.do(t, "POST", "/api/experiments", strings.NewReader(body), asJSON)
		if status != 400 || errCode(got) != "bad_name" {
			t.Errorf("name %.20q: %d %s", name, status, short(got))
		}
		status, _, got = tg.do(t, "PATCH", "/api/datasets/"+ds, strings.NewReader(`{"name":`+quoteJSON(name)+`}`), asJSON)
		if status != 400 || errCode(got) != "bad_name" {
			t.Errorf("rename to %.20q: %d %s", name, status, short(got))
		}
	}
	// A 100 KB file name makes a dataset named by the rules, not a 100 KB name.
	status, got := tg.upload(t, strings.Repeat("f", 100_000)+"\u202E.zip", classZip(t, 2, 3, 8, 8), nil)
	var row struct{ Name string }
	json.Unmarshal([]byte(got), &row)
	if status != 201 || len([]rune(row.Name)) > 200 || strings.ContainsRune(row.Name, '\u202E') {
		t.Fatalf("long file name: %d, name of %d characters", status, len([]rune(row.Name)))
	}
	if n := tg.experimentCount(t); n != 0 {
		t.Fatalf("%d experiments made", n)
	}
	if grew := tg.peak(t) - before; grew > 64*mib {
		t.Errorf("peak memory grew by %d MiB", grew/mib)
	}
}

// A 24 MB zip of 100 classes named with 60,000 characters each was accepted on main:
// its upload answer was 13 MB, and so was every GET /api/datasets after it. Class
// folders now follow the rule for names, as do control and right-to-left characters.
func TestAttackHugeClassNames(t *testing.T) {
	tg := startTarget(t, "")
	tg.tinyDataset(t, "cats.zip")
	huge := make([]string, 20)
	for i := range huge {
		huge[i] = strings.Repeat(string(rune('a'+i)), 60_000)
	}
	for _, tc := range []struct {
		name    string
		classes []string
		says    string
	}{
		{"huge.zip", huge, "is 60000 characters long; keep it to 200"},
		{"rlo.zip", []string{"cats", "evil\u202Egnp.exe"}, `has the character U+202E`},
		{"bell.zip", []string{"cats", "bell\a"}, `has the character U+0007`},
		{"newline.zip", []string{"cats", "two\nlines"}, `has the character U+000A`},
	} {
		status, body := tg.upload(t, tc.name, namedZip(t, tc.classes, 2, 4, 4), nil)
		if status != 422 || errCode(body) != "bad_class_name" || !strings.Contains(body, tc.says) || len(body) > 1024 {
			t.Errorf("%s: %d (%d bytes) %s", tc.name, status, len(body), short(body))
		}
	}
	status, _, list := tg.do(t, "GET", "/api/datasets", nil, nil)
	if status != 200 || len(list) > 64<<10 {
		t.Fatalf("GET /api/datasets: %d, %d bytes", status, len(list))
	}
	if left := tg.leftovers(t); len(left) != 0 || tg.datasetCount(t) != 1 {
		t.Fatalf("left behind: %v, %d datasets", left, tg.datasetCount(t))
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
