// Package s3test starts a real S3 server for tests: versitygw, an S3 gateway over a
// folder, built from its Go module at a pinned version into a cache folder the first
// time (`make s3server` does it ahead), then started once per test process on a free
// loopback port. Each URL call gets a bucket of its own. Tests that need it skip when
// it cannot be built here, unless TRANSFERLAB_REQUIRE_S3 is set (CI sets it), where
// that is a failure.
package s3test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Server is the S3 server the tests run: its Go package at a pinned version.
const (
	Package = "github.com/versity/versitygw/cmd/versitygw"
	Version = "v1.8.0"
)

// The test keys: the server accepts them, clients read them from the environment.
const (
	AccessKey = "transferlab-test"
	SecretKey = "transferlab-test-secret"
)

var (
	once    sync.Once
	srv     *server
	srvErr  error
	skip    error
	buckets atomic.Int64
)

type server struct {
	dir      string
	cmd      *exec.Cmd
	exited   chan struct{}
	endpoint string
}

// Unavailable says why the server cannot be built here, or nil when it can (or must:
// TRANSFERLAB_REQUIRE_S3 is set, and URL then fails the test).
func Unavailable() error {
	setUp()
	if os.Getenv("TRANSFERLAB_REQUIRE_S3") != "" {
		return nil
	}
	return skip
}

func setUp() {
	once.Do(func() {
		bin, err := Install()
		if err != nil {
			skip = err
			return
		}
		srv, srvErr = start(bin)
	})
}

// URL returns a --blob-url naming a new, empty bucket on the test server, with the
// keys set in the environment (for this process and the processes it starts).
func URL(t testing.TB) string {
	t.Helper()
	setUp()
	if skip != nil {
		if os.Getenv("TRANSFERLAB_REQUIRE_S3") != "" {
			t.Fatalf("the S3 test server cannot be built and TRANSFERLAB_REQUIRE_S3 is set: %v", skip)
		}
		t.Skipf("the S3 test server cannot be built here (%v): skipping the object-store tests; `make s3server` builds it", skip)
	}
	if srvErr != nil {
		t.Fatalf("start the S3 test server: %v", srvErr)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	return fmt.Sprintf("s3://t%d-%d?endpoint=http://%s", os.Getpid(), buckets.Add(1), srv.endpoint)
}

// Stop ends the server and removes its folder; call it from TestMain after m.Run.
// The server also dies with this process, should it end first.
func Stop() {
	if srv == nil {
		return
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-srv.exited:
	case <-time.After(5 * time.Second):
		srv.cmd.Process.Kill()
		<-srv.exited
	}
	os.RemoveAll(srv.dir)
	srv = nil
}

// Binary is where the built server is kept: TRANSFERLAB_S3_BIN_DIR, or the user's
// cache folder, named by its version so a new pin builds anew.
func Binary() (string, error) {
	dir := os.Getenv("TRANSFERLAB_S3_BIN_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(cache, "transferlab", "s3server")
	}
	return filepath.Join(dir, filepath.Base(Package)+"-"+Version), nil
}

// Install builds the server into Binary() unless it is there, and returns its path.
// Test processes running at once wait for one build, by a lock on the folder.
func Install() (string, error) {
	bin, err := Binary()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	dir := filepath.Dir(bin)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil // another process built it while we waited
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("no go command on PATH to build it with")
	}
	tmp, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(goBin, "install", Package+"@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", Package, Version, err, tail(out))
	}
	if err := os.Rename(filepath.Join(tmp, filepath.Base(Package)), bin); err != nil {
		return "", err
	}
	return bin, nil
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}

func start(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "s3test-")
	if err != nil {
		return nil, err
	}
	root, meta := filepath.Join(dir, "root"), filepath.Join(dir, "meta")
	for _, d := range []string{root, meta} {
		if err := os.Mkdir(d, 0o755); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	var lastErr error
	for try := 0; try < 3; try++ { // a port picked free may be taken before the server binds it
		addr, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		log, err := os.Create(filepath.Join(dir, "server.log"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		// Metadata (our hash among it) in a sidecar folder: no need for a file system
		// with extended attributes.
		cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--port", addr, "--quiet",
			"posix", "--sidecar", meta, root)
		cmd.Stdout, cmd.Stderr = log, log
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			log.Close()
			os.RemoveAll(dir)
			return nil, err
		}
		log.Close()
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		if lastErr = waitReady(exited, addr); lastErr == nil {
			return &server{dir: dir, cmd: cmd, exited: exited, endpoint: addr}, nil
		}
		cmd.Process.Kill()
		<-exited
		b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		lastErr = fmt.Errorf("%v\n%s", lastErr, tail(b))
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady waits until the server answers HTTP (any status: an unsigned request is
// refused, which is an answer).
func waitReady(exited <-chan struct{}, addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("the S3 server exited at start")
		case <-ctx.Done():
			return errors.New("the S3 server did not answer within 30s")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
