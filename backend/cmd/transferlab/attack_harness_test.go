package main

// The attack suite: each test starts the real binary on loopback and a fresh data
// directory, does what an attacker or a careless user would, and checks the refusal,
// the server's peak memory (VmHWM in /proc) and that nothing is lost or left behind.

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// target is one server process under attack.
type target struct {
	cmd  *exec.Cmd
	base string
	addr string
	dir  string
	log  *syncBuffer
}

// serverBinary is the binary under attack: $TRANSFERLAB_BIN (what `make binary`
// built), or this test binary, which runs main when asked.
func serverBinary() (string, []string) {
	if bin := os.Getenv("TRANSFERLAB_BIN"); bin != "" {
		return bin, nil
	}
	return os.Args[0], []string{"TRANSFERLAB_RUN_MAIN=1"}
}

// startTarget starts `serve` on a free loopback port with extra flags, sharing the
// built-in datasets other tests built so the start does not rebuild them.
func startTarget(t testing.TB, dir string, flags ...string) *target {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	shareBuiltin(t, dir)
	addr := freeAddr(t)
	bin, env := serverBinary()
	args := append([]string{"serve", "--addr", addr, "--data-dir", dir, "--log-level", logLevel()}, flags...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tg := &target{cmd: cmd, base: "http://" + addr, addr: addr, dir: dir, log: log}
	t.Cleanup(tg.kill)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(tg.base + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 || resp.StatusCode == http.StatusUnauthorized { // answering
				break
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("server did not start: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return tg
}

func (tg *target) kill() {
	if tg.cmd.ProcessState == nil {
		tg.cmd.Process.Kill()
		tg.cmd.Wait()
	}
}

// procStatus reads one kB field of the server's /proc/<pid>/status.
func (tg *target) procStatus(t testing.TB, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", tg.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc on this system: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc status", field)
	return 0
}

// resetPeak makes VmHWM start again from the current RSS, so an attack's peak is
// measured apart from the start's.
func (tg *target) resetPeak(t testing.TB) {
	t.Helper()
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", tg.cmd.Process.Pid), []byte("5"), 0); err != nil {
		t.Logf("peak memory cannot be reset here (%v); measuring from the start", err)
	}
}

// peak is the server's peak resident memory since the last resetPeak, in bytes.
func (tg *target) peak(t testing.TB) int64 { return tg.procStatus(t, "VmHWM") }

// fds counts the server's open file descriptors.
func (tg *target) fds(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", tg.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc fd listing: %v", err)
	}
	return len(entries)
}

// do sends a request; headers may set Host.
func (tg *target) do(t testing.TB, method, path string, body io.Reader, headers map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, tg.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, string(b)
}

var asJSON = map[string]string{"Content-Type": "application/json"}

// errCode is the code of the common error shape, or "" when body is not one.
func errCode(body string) string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	json.Unmarshal([]byte(body), &e)
	return e.Error.Code
}

// upload posts a dataset file with optional form fields and returns status and body.
func (tg *target) upload(t testing.TB, fileName string, file []byte, fields map[string]string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	w, _ := mw.CreateFormFile("file", fileName)
	w.Write(file)
	mw.Close()
	status, _, body := tg.do(t, "POST", "/api/datasets", &buf, map[string]string{"Content-Type": mw.FormDataContentType()})
	return status, body
}

// classZip makes a zip of perClass w x h grey PNGs in each of classes folders.
func classZip(t testing.TB, classes, perClass, w, h int) []byte {
	t.Helper()
	names := make([]string, classes)
	for c := range names {
		names[c] = fmt.Sprintf("c%04d", c)
	}
	return namedZip(t, names, perClass, w, h)
}

// namedZip makes a zip of perClass w x h grey PNGs, each different, in a folder per
// class name.
func namedZip(t testing.TB, classes []string, perClass, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for c, class := range classes {
		for i := 0; i < perClass; i++ {
			img := image.NewGray(image.Rect(0, 0, w, h))
			for p := range img.Pix {
				img.Pix[p] = uint8(c*37 + i*11 + p)
			}
			img.Set(0, 0, color.Gray{Y: uint8(i)})
			f, err := zw.Create(fmt.Sprintf("%s/%03d.png", class, i))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// leftovers lists what nothing should hold once every request and run has ended:
// partial uploads and imports, partial copies of a dataset at a model's size, and run
// folders (a run's checkpoint goes when it ends).
func (tg *target) leftovers(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"uploads/incoming-*", "datasets/.*.part-*", "builtin/.*.part-*",
		"datasets/*/.*.part-*", "datasets/*/*.building", "runs/*"} {
		m, _ := filepath.Glob(filepath.Join(tg.dir, pattern))
		out = append(out, m...)
	}
	return out
}

// datasetCount is how many uploaded (not built-in) datasets the server lists.
func (tg *target) datasetCount(t testing.TB) int {
	t.Helper()
	status, _, body := tg.do(t, "GET", "/api/datasets", nil, nil)
	if status != 200 {
		t.Fatalf("list datasets: %d %s", status, short(body))
	}
	var v struct {
		Datasets []struct {
			Source string `json:"source"`
		} `json:"datasets"`
	}
	json.Unmarshal([]byte(body), &v)
	n := 0
	for _, d := range v.Datasets {
		if d.Source != "builtin" {
			n++
		}
	}
	return n
}

const mib = 1 << 20

// logLevel is warn unless TRANSFERLAB_TEST_LOG asks for more.
func logLevel() string {
	if l := os.Getenv("TRANSFERLAB_TEST_LOG"); l != "" {
		return l
	}
	return "warn"
}

// short keeps a response body in a failure message readable.
func short(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}
