package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/datadir"
)

// The demo body the home page's button sends (frontend DemoButton.svelte).
const demoExperiment = `{"name":"Demo: MNIST 5-9 (50 per class) from the 0-4 CNN","dataset_id":"mnist-5-9-50",` +
	`"base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{}}`

// TestBinaryRunsTheDemoWithoutAToolchain builds the binary as `make binary` does (MNIST
// embedded), then runs it where there is no Go, no module cache and an empty home:
// alone in a folder, and laid out as the Docker image's runtime stage lays it out and
// started as that image starts it. In both the demo experiment trains to the end over
// real HTTP.
func TestBinaryRunsTheDemoWithoutAToolchain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and trains the demo twice")
	}
	bin := buildStandalone(t)

	t.Run("alone in a folder", func(t *testing.T) {
		dir := t.TempDir()
		exe := filepath.Join(dir, "transferlab")
		copyFile(t, bin, exe, 0o755)
		addr := freeAddr(t)
		cmd := exec.Command(exe, "serve", "--addr", addr, "--data-dir", filepath.Join(dir, "data"))
		cmd.Dir = dir
		cmd.Env = bareEnv(t, nil)
		runDemo(t, cmd, "http://"+addr)
		// Finished runs leave no checkpoints behind by default.
		if left, _ := os.ReadDir(datadir.New(filepath.Join(dir, "data")).Runs()); len(left) != 0 {
			t.Fatalf("runs/ still holds %d run folders after the demo", len(left))
		}
	})

	t.Run("as the Docker image", func(t *testing.T) {
		root := t.TempDir()
		img := readRuntimeStage(t, "../../../Dockerfile")
		for _, c := range img.copies {
			src := c.src
			if c.from != "" {
				// The build stage's one output is the binary built above.
				if c.from != "go" || c.src != "/out/transferlab" {
					t.Fatalf("the runtime stage copies %s from stage %s, which this test does not build", c.src, c.from)
				}
				src = bin
			} else {
				src = filepath.Join("../../..", c.src)
			}
			copyTree(t, src, filepath.Join(root, c.dst))
		}
		// The image's absolute paths live under root here; the volume is a fresh folder.
		env := map[string]string{}
		for k, v := range img.env {
			if strings.HasPrefix(v, "/") {
				v = filepath.Join(root, v)
			}
			env[k] = v
		}
		addr := freeAddr(t)
		env["TRANSFERLAB_ADDR"] = addr // as `docker run -e TRANSFERLAB_ADDR=...` would publish it
		env["PATH"] = filepath.Join(root, "usr/local/bin") + ":" + filepath.Join(root, "usr/bin")
		argv := append(append([]string{}, img.entrypoint...), img.cmd...)
		if len(argv) == 0 {
			t.Fatal("the runtime stage has no ENTRYPOINT or CMD")
		}
		exe, err := lookPathIn(argv[0], env["PATH"])
		if err != nil {
			t.Fatalf("ENTRYPOINT %s: %v", argv[0], err)
		}
		cmd := exec.Command(exe, argv[1:]...)
		cmd.Dir = root
		cmd.Env = bareEnv(t, env)
		runDemo(t, cmd, "http://"+addr)
		if _, err := os.Stat(datadir.New(env["TRANSFERLAB_DATA_DIR"]).DB()); err != nil {
			t.Fatalf("the data did not go to the image's volume: %v", err)
		}
	})
}

// buildStandalone builds the binary with the MNIST files embedded: from the folder
// `make mnist` fills, or, on a fresh clone, through an overlay of the files found. No
// build tags: the engine is the default one, as `make binary` builds it.
func buildStandalone(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	files, where, err := data.MNISTFiles()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	for _, name := range data.MNISTFileNames {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatalf("%s (%s): %v", name, where, err)
		}
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		overlay[filepath.Join(root, "backend/data/mnistfiles", name)] = p
	}
	ov, _ := json.Marshal(map[string]any{"Replace": overlay})
	ovPath := filepath.Join(tmp, "overlay.json")
	os.WriteFile(ovPath, ov, 0o644)
	bin := filepath.Join(tmp, "transferlab")
	args := []string{"build", "-overlay", ovPath, "-o", bin}
	cmd := exec.Command(goBin, append(args, "./backend/cmd/transferlab")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// bareEnv is an environment with no Go and no module cache: PATH of an empty folder
// unless extra names one, HOME an empty folder, and nothing else but extra.
func bareEnv(t *testing.T, extra map[string]string) []string {
	env := map[string]string{"HOME": t.TempDir(), "PATH": t.TempDir()}
	for k, v := range extra {
		env[k] = v
	}
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// runDemo starts the server, launches the demo experiment and waits for both arms to
// succeed, then stops the server as `docker stop` would.
func runDemo(t *testing.T, cmd *exec.Cmd, base string) {
	t.Helper()
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &proc{cmd: cmd, base: base, log: log}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(base + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer: %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Post(base+"/api/experiments", "application/json", strings.NewReader(demoExperiment))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var exp struct {
		ID   string `json:"id"`
		Runs []struct {
			Strategy string   `json:"strategy"`
			Status   string   `json:"status"`
			Error    string   `json:"error"`
			TestAcc  *float64 `json:"test_acc"`
		} `json:"runs"`
	}
	if resp.StatusCode != 201 || json.Unmarshal(b, &exp) != nil {
		t.Fatalf("launch the demo: %d %s", resp.StatusCode, b)
	}
	deadline = time.Now().Add(8 * time.Minute)
	for {
		p.getJSON(t, "/api/experiments/"+exp.ID, &exp)
		done := len(exp.Runs) == 2
		for _, r := range exp.Runs {
			done = done && (r.Status == "succeeded" || r.Status == "failed" || r.Status == "cancelled")
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not finish: %+v\n%s", exp.Runs, log.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
	for _, r := range exp.Runs {
		if r.Status != "succeeded" || r.TestAcc == nil {
			t.Fatalf("demo arm %s: %s %q\n%s", r.Strategy, r.Status, r.Error, log.String())
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stop: %v\n%s", err, log.String())
	}
}

// runtimeStage is what the Dockerfile's last stage puts in the image and runs.
type runtimeStage struct {
	copies          []dockerCopy
	env             map[string]string
	entrypoint, cmd []string
}

type dockerCopy struct{ from, src, dst string }

// readRuntimeStage reads the COPY, ENV, ENTRYPOINT and CMD instructions of the last
// stage, so the layout tested is the one the image gets. It fails on what it cannot
// follow rather than testing something else.
func readRuntimeStage(t *testing.T, path string) runtimeStage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Join continued lines, then keep the last stage's instructions.
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var stage []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(line), "FROM ") {
			stage = nil
		}
		stage = append(stage, line)
	}
	st := runtimeStage{env: map[string]string{}}
	for _, line := range stage {
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(word) {
		case "COPY":
			f := strings.Fields(rest)
			c := dockerCopy{}
			for len(f) > 0 && strings.HasPrefix(f[0], "--") {
				if v, ok := strings.CutPrefix(f[0], "--from="); ok {
					c.from = v
				} else {
					t.Fatalf("COPY option %s is not followed by this test", f[0])
				}
				f = f[1:]
			}
			if len(f) != 2 {
				t.Fatalf("COPY %q: this test follows one source and one destination", rest)
			}
			c.src, c.dst = f[0], f[1]
			st.copies = append(st.copies, c)
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("ENV %q: this test follows KEY=value pairs", rest)
				}
				st.env[k] = v
			}
		case "ENTRYPOINT", "CMD":
			var argv []string
			if err := json.Unmarshal([]byte(rest), &argv); err != nil {
				t.Fatalf("%s %s: this test follows the exec (JSON) form", word, rest)
			}
			if strings.ToUpper(word) == "CMD" {
				st.cmd = argv
			} else {
				st.entrypoint = argv
			}
		case "ADD", "WORKDIR", "USER", "SHELL":
			t.Fatalf("the runtime stage uses %s, which this test does not follow: %s", word, line)
		}
	}
	return st
}

func lookPathIn(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("not found on PATH %s", path)
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies a file or a folder as COPY does (a folder's contents into dst).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		copyFile(t, p, target, info.Mode().Perm())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
