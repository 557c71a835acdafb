package server

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRunsTakeShortNamesAndTags(t *testing.T) {
	ts := newTestServer(t)
	fine, scratch := seedRuns(t, ts.db)
	cases := []struct {
		name, body string
		wantStatus int
		wantCode   string
		wantName   string
		wantTags   []string
	}{
		{"name and tags", `{"name":"  lr 0.01 ","tags":["baseline"," seed 1 ","baseline",""]}`, 200, "", "lr 0.01", []string{"baseline", "seed 1"}},
		{"tags alone keep the name", `{"tags":["kept"]}`, 200, "", "lr 0.01", []string{"kept"}},
		{"name alone keeps the tags", `{"name":"best so far"}`, 200, "", "best so far", []string{"kept"}},
		{"empty name clears it", `{"name":""}`, 200, "", "", []string{"kept"}},
		{"name too long", `{"name":"` + strings.Repeat("é", 41) + `"}`, 400, "bad_name", "", nil},
		{"tag too long", `{"tags":["` + strings.Repeat("x", 25) + `"]}`, 400, "bad_tags", "", nil},
		{"too many tags", `{"tags":["1","2","3","4","5","6","7","8","9"]}`, 400, "bad_tags", "", nil},
		{"name with NUL", `{"name":"a\u0000b"}`, 400, "bad_name", "", nil},
		{"name with BEL", `{"name":"ring\u0007"}`, 400, "bad_name", "", nil},
		{"name with a newline", `{"name":"two\nlines"}`, 400, "bad_name", "", nil},
		{"name with right-to-left mark", `{"name":"evil\u202Egnp"}`, 400, "bad_name", "", nil},
		{"tag with a newline", `{"tags":["ok","two\nlines"]}`, 400, "bad_tags", "", nil},
		{"tag with right-to-left mark", `{"tags":["\u202Eevil"]}`, 400, "bad_tags", "", nil},
		{"tag with zero-width space", `{"tags":["zero\u200Bwidth"]}`, 400, "bad_tags", "", nil},
		{"nothing to change", `{}`, 400, "bad_json", "", nil},
		{"unknown field", `{"title":"x"}`, 400, "bad_json", "", nil},
		{"not json", `name=x`, 400, "bad_json", "", nil},
		{"two values", `{"name":"a"}{"name":"b"}`, 400, "bad_json", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := ts.do(t, "PATCH", "/api/runs/"+fine, c.body)
			if status != c.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, c.wantStatus, body)
			}
			if c.wantCode != "" {
				if code := errorCode(t, body); code != c.wantCode {
					t.Fatalf("code %q, want %q", code, c.wantCode)
				}
				return
			}
			var got struct {
				ID       string   `json:"id"`
				Strategy string   `json:"strategy"`
				Name     string   `json:"name"`
				Tags     []string `json:"tags"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != fine || got.Strategy != "finetune" || got.Name != c.wantName || strings.Join(got.Tags, "|") != strings.Join(c.wantTags, "|") {
				t.Fatalf("got %+v", got)
			}
		})
	}

	status, _, body := ts.do(t, "PATCH", "/api/runs/run_nope", `{"name":"x"}`)
	if status != 404 || errorCode(t, body) != "not_found" {
		t.Fatalf("unknown run: %d %s", status, body)
	}

	// The label shows on the run and in a comparison; an unlabelled run has none.
	ts.do(t, "PATCH", "/api/runs/"+fine, `{"name":"ft","tags":["a"]}`)
	_, _, body = ts.do(t, "GET", "/api/runs/"+fine, "")
	if !strings.Contains(body, `"name":"ft"`) || !strings.Contains(body, `"tags":["a"]`) {
		t.Fatalf("GET run: %s", body)
	}
	_, _, body = ts.do(t, "GET", "/api/compare?runs="+fine+","+scratch, "")
	var cmp struct {
		Runs []struct {
			ID   string   `json:"id"`
			Name string   `json:"name"`
			Tags []string `json:"tags"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(body), &cmp); err != nil || len(cmp.Runs) != 2 {
		t.Fatalf("compare: %v %s", err, body)
	}
	if cmp.Runs[0].Name != "ft" || len(cmp.Runs[0].Tags) != 1 || cmp.Runs[1].Name != "" || cmp.Runs[1].Tags == nil {
		t.Fatalf("compare labels: %+v", cmp.Runs)
	}
}

// A refused label says which rule it broke and which character, shown as an escape,
// and nothing is stored.
func TestRunLabelRefusalsSayWhatToChange(t *testing.T) {
	ts := newTestServer(t)
	fine, _ := seedRuns(t, ts.db)
	ts.do(t, "PATCH", "/api/runs/"+fine, `{"name":"kept","tags":["kept"]}`)
	for _, c := range []struct{ body, says string }{
		{`{"name":"ring\u0007"}`, "The run name has the character U+0007"},
		{`{"name":"` + strings.Repeat("é", 41) + `"}`, "The run name is 41 characters long; keep it to 40"},
		{`{"tags":["evil\u202Egnp"]}`, `The tag \"evil\\u202egnp\" has the character U+202E`},
		{`{"tags":["` + strings.Repeat("x", 25) + `"]}`, "is 25 characters long; keep it to 24"},
	} {
		status, _, body := ts.do(t, "PATCH", "/api/runs/"+fine, c.body)
		if status != 400 || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d %s", c.body, status, body)
		}
	}
	_, _, body := ts.do(t, "GET", "/api/runs/"+fine, "")
	if !strings.Contains(body, `"name":"kept"`) || !strings.Contains(body, `"tags":["kept"]`) {
		t.Fatalf("a refused label changed the run: %s", body)
	}
}
