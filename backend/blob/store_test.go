package blob_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"transferlab/backend/blob"
	"transferlab/backend/blob/s3test"
)

// stores is every implementation the contract holds for: a folder, and a real S3
// server (left out, saying why, where it cannot be built and CI does not demand it).
func stores(t *testing.T) map[string]blob.Store {
	t.Helper()
	local, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]blob.Store{"local": local}
	if why := s3test.Unavailable(); why != nil {
		t.Logf("the S3 test server cannot be built here (%v): checking the folder store only; `make s3server` builds it", why)
		return all
	}
	if all["s3"], err = blob.Open(context.Background(), s3test.URL(t)); err != nil {
		t.Fatal(err)
	}
	return all
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func get(t *testing.T, s blob.Store, key string) (string, blob.Info) {
	t.Helper()
	rc, info, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), info
}

func TestStoresKeepBytesWithTheirHash(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			info, err := s.Put(ctx, "datasets/ds_1/meta.json", strings.NewReader(`{"a":1}`))
			if err != nil {
				t.Fatal(err)
			}
			if info.SHA256 != sum(`{"a":1}`) || info.Size != 7 {
				t.Fatalf("put answered %+v", info)
			}
			body, got := get(t, s, "datasets/ds_1/meta.json")
			if body != `{"a":1}` || got.SHA256 != info.SHA256 || got.Size != 7 {
				t.Fatalf("get %q %+v", body, got)
			}
			// A second put replaces the object and its hash together.
			if _, err := s.Put(ctx, "datasets/ds_1/meta.json", strings.NewReader("{}")); err != nil {
				t.Fatal(err)
			}
			st, err := s.Stat(ctx, "datasets/ds_1/meta.json")
			if err != nil || st.SHA256 != sum("{}") || st.Size != 2 {
				t.Fatalf("stat after replace: %+v %v", st, err)
			}
			if body, _ := get(t, s, "datasets/ds_1/meta.json"); body != "{}" {
				t.Fatalf("after replace: %q", body)
			}
		})
	}
}

func TestStoresAnswerNotFoundForMissingKeys(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, _, err := s.Get(ctx, "runs/none/checkpoint.gob"); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("get of a missing key: %v", err)
			}
			if _, err := s.Stat(ctx, "runs/none/checkpoint.gob"); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("stat of a missing key: %v", err)
			}
			if infos, err := s.List(ctx, "runs/none/"); err != nil || len(infos) != 0 {
				t.Fatalf("list of an empty prefix: %v %v", infos, err)
			}
			if err := s.Delete(ctx, "runs/none/checkpoint.gob"); err != nil {
				t.Fatalf("delete of nothing: %v", err)
			}
		})
	}
}

func TestStoresListByPrefixAndDeleteOneKey(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, k := range []string{"runs/r1/checkpoint.gob", "runs/r10/checkpoint.gob", "runs/r1/extra/x", "uploads/ds_1.zip"} {
				if _, err := s.Put(ctx, k, strings.NewReader(k)); err != nil {
					t.Fatal(err)
				}
			}
			infos, err := s.List(ctx, "runs/r1/")
			if err != nil {
				t.Fatal(err)
			}
			if len(infos) != 2 || infos[0].Key != "runs/r1/checkpoint.gob" || infos[1].Key != "runs/r1/extra/x" || infos[1].SHA256 != sum("runs/r1/extra/x") {
				t.Fatalf("list runs/r1/: %+v", infos)
			}
			// A key names one object: deleting runs/r1 (a folder of keys) removes nothing.
			for _, k := range []string{"runs/r1", "runs/r1/checkpoint.gob", "runs/r1/extra/x"} {
				if err := s.Delete(ctx, k); err != nil {
					t.Fatalf("delete %s: %v", k, err)
				}
			}
			left, _ := s.List(ctx, "")
			if len(left) != 2 || left[0].Key != "runs/r10/checkpoint.gob" || left[1].Key != "uploads/ds_1.zip" {
				t.Fatalf("after deleting runs/r1's objects: %+v", left)
			}
		})
	}
}

func TestStoresRefuseKeysThatLeaveThem(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, k := range []string{"../etc/passwd", "/abs", "a/../../b", "a//b", ""} {
				if _, err := s.Put(ctx, k, strings.NewReader("x")); err == nil {
					t.Errorf("put %q was accepted", k)
				}
				if _, _, err := s.Get(ctx, k); err == nil || errors.Is(err, blob.ErrNotFound) {
					t.Errorf("get %q: %v, want a refusal", k, err)
				}
			}
		})
	}
}

func TestOpenNamesWhatIsWrongWithABadURL(t *testing.T) {
	for _, u := range []string{"ftp://x", "file://relative/dir", "s3://", "s3://bucket/sub/dir?endpoint=localhost:1"} {
		if _, err := blob.Open(context.Background(), u); err == nil || !strings.Contains(err.Error(), "--blob-url") {
			t.Errorf("Open(%q) = %v, want an error naming --blob-url", u, err)
		}
	}
}
