package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a store in one bucket of an S3-compatible object store. The hash rides in
// each object's user metadata (x-amz-meta-sha256), which every S3 server keeps.
type S3 struct {
	client *minio.Client
	bucket string
	name   string
}

// sha256Meta is the user-metadata name the hash is stored under.
const sha256Meta = "sha256"

// openS3 reads s3://bucket?endpoint=host:port[&region=..][&secure=false]. Keys come
// from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or MINIO_ROOT_USER and
// MINIO_ROOT_PASSWORD), never from the URL, so the URL can be logged. The bucket is
// created when it does not exist yet.
func openS3(ctx context.Context, u *url.URL) (*S3, error) {
	bucket := u.Host
	if bucket == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("--blob-url s3://%s%s: name one bucket, as s3://transferlab?endpoint=s3.example.com", u.Host, u.Path)
	}
	q := u.Query()
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	secure := true
	if rest, ok := strings.CutPrefix(endpoint, "http://"); ok {
		endpoint, secure = rest, false
	} else if rest, ok := strings.CutPrefix(endpoint, "https://"); ok {
		endpoint = rest
	}
	if v := q.Get("secure"); v == "false" {
		secure = false
	}
	creds := credentials.NewChainCredentials([]credentials.Provider{&credentials.EnvAWS{}, &credentials.EnvMinio{}})
	client, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: q.Get("region"), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return nil, fmt.Errorf("--blob-url: %v", err)
	}
	s := &S3{client: client, bucket: bucket, name: "s3://" + bucket + " at " + endpoint}
	exists, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("object store %s does not answer: %v", s.name, err)
	}
	if !exists {
		if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: q.Get("region")}); err != nil {
			return nil, fmt.Errorf("object store %s: bucket cannot be created: %v", s.name, err)
		}
	}
	return s, nil
}

func (s *S3) String() string { return s.name }

func (s *S3) Check(ctx context.Context) error {
	_, err := s.client.BucketExists(ctx, s.bucket)
	return err
}

// Put spools r to a temporary file first: the hash must be known before the upload,
// since it travels in the request's headers.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	tmp, err := os.CreateTemp("", "transferlab-put-*")
	if err != nil {
		return Info{}, err
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return Info{}, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Info{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	_, err = s.client.PutObject(ctx, s.bucket, key, tmp, n, minio.PutObjectOptions{
		UserMetadata: map[string]string{sha256Meta: sum}, ContentType: "application/octet-stream"})
	if err != nil {
		return Info{}, fmt.Errorf("store %s: %w", key, err)
	}
	return Info{Key: key, Size: n, SHA256: sum}, nil
}

func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := checkKey(key); err != nil {
		return nil, Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s.wrap(key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, Info{}, s.wrap(key, err)
	}
	return obj, infoOf(st), nil
}

func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s.wrap(key, err)
	}
	return infoOf(st), nil
}

// List stats each object for its hash: a listing carries no user metadata on most
// servers.
func (s *S3) List(ctx context.Context, prefix string) ([]Info, error) {
	var out []Info
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, o.Err)
		}
		info, err := s.Stat(ctx, o.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// Delete removes one object; S3 answers a missing key with success too.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return s.wrap(key, err)
	}
	return nil
}

func infoOf(st minio.ObjectInfo) Info {
	info := Info{Key: st.Key, Size: st.Size}
	for k, v := range st.UserMetadata {
		if strings.EqualFold(k, sha256Meta) {
			info.SHA256 = v
		}
	}
	return info
}

func (s *S3) wrap(key string, err error) error {
	if code := minio.ToErrorResponse(err).Code; code == "NoSuchKey" || code == "NotFound" {
		return fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return fmt.Errorf("%s in %s: %w", key, s.name, err)
}
