package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/names"
	"transferlab/backend/store"
)

// formSlack is what the multipart envelope and the small fields may add to the file
// itself before the body as a whole counts as too large.
const (
	formSlack    = 1 << 20
	maxFieldSize = 1 << 10
)

// uploadForm is what a POST /api/datasets carried.
type uploadForm struct {
	name                    string
	fileName                string // as the browser named it; for messages only, never a path
	uploadID                string
	owner                   string // who uploads: progress is theirs to see
	channels, height, width int
	tmp                     string // where the file was streamed to
	touched                 time.Time
}

// progressKey is where the upload's progress is kept: under its uploader, so another
// person asking for the same id finds nothing.
func (f *uploadForm) progressKey() string {
	if f.uploadID == "" {
		return ""
	}
	return f.owner + "/" + f.uploadID
}

// touch marks the received file as in use now and then while it is imported, so the
// sweep of leftovers (which goes by age) leaves it alone.
func (f *uploadForm) touch() {
	if now := time.Now(); now.Sub(f.touched) > time.Minute {
		f.touched = now
		os.Chtimes(f.tmp, now, now)
	}
}

func (a *DatasetAPI) upload(c *gin.Context) {
	f := uploadForm{uploadID: c.Query("upload_id"), owner: progressOwner(c)}
	if f.uploadID != "" && !progressIDPattern.MatchString(f.uploadID) {
		fail(c, badUploadID())
		return
	}
	release, refusal := a.uploads.take(clientAddr(c.Request))
	if refusal != nil {
		// Closing the connection spares the server from reading the refused body.
		c.Header("Connection", "close")
		c.Header("Retry-After", "10")
		fail(c, refusal)
		return
	}
	defer release()
	c.Request.Body = newUploadRate(c)
	defer func() {
		if f.tmp != "" { // cleared once the file is kept as uploads/<id><ext>
			os.Remove(f.tmp)
		}
		a.Progress.update(f.progressKey(), func(p *UploadProgress) { p.Done = true })
	}()
	if err := a.receive(c, &f); err != nil {
		fail(c, err)
		return
	}
	row, err := a.importUpload(c, &f)
	if err != nil {
		if ie, ok := data.IsImportError(err); ok {
			err = newError(ie.HTTPStatus(), string(ie.Code), ie.Message)
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, DatasetViewOf(row))
}

// receive streams the multipart body: the file to a temp file in uploads/ (never into
// memory), the small fields into f.
func (a *DatasetAPI) receive(c *gin.Context, f *uploadForm) error {
	if c.Request.ContentLength > a.MaxUploadBytes+formSlack {
		return a.tooLarge()
	}
	total := max(c.Request.ContentLength, 0)
	a.Progress.update(f.progressKey(), func(p *UploadProgress) { p.TotalBytes = total })
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, a.MaxUploadBytes+formSlack)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return missingFile()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return a.bodyError(err)
		}
		if err := a.readPart(part, f); err != nil {
			return err
		}
	}
	if f.tmp == "" {
		return missingFile()
	}
	return nil
}

func (a *DatasetAPI) readPart(part *multipart.Part, f *uploadForm) error {
	defer part.Close()
	field := part.FormName()
	if field == "file" {
		if f.tmp != "" {
			return badRequest("too_many_files", "Send one dataset file per request, in field `file`.")
		}
		f.fileName = filepath.Base(strings.ReplaceAll(part.FileName(), "\\", "/"))
		return a.saveFile(part, f)
	}
	b, err := io.ReadAll(io.LimitReader(part, maxFieldSize+1))
	if err != nil {
		return a.bodyError(err)
	}
	if len(b) > maxFieldSize {
		return badRequest("bad_field", "Form field %s is over %d bytes.", names.Quote(field, 40), maxFieldSize)
	}
	v := strings.TrimSpace(string(b))
	switch field {
	case "name":
		f.name = v
	case "upload_id":
		if !progressIDPattern.MatchString(v) {
			return badUploadID()
		}
		f.uploadID = v
	case "channels", "height", "width":
		n, err := strconv.Atoi(v)
		if err != nil && v != "" {
			return badRequest(string(data.CodeBadOptions), "Form field %s must be a whole number, not %s.", field, names.Quote(v, 40))
		}
		switch field {
		case "channels":
			f.channels = n
		case "height":
			f.height = n
		default:
			f.width = n
		}
	}
	return nil
}

// saveFile copies the file part to uploads/incoming-*, the prefix the sweep job
// removes if this request dies before cleaning up.
func (a *DatasetAPI) saveFile(part io.Reader, f *uploadForm) error {
	dir := a.DataDir.Uploads()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	out, err := os.CreateTemp(dir, data.TempUploadPrefix+"*")
	if err != nil {
		return err
	}
	f.tmp = out.Name()
	counted := &progressWriter{w: out, board: a.Progress, id: f.progressKey()}
	n, err := io.Copy(counted, io.LimitReader(part, a.MaxUploadBytes+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if counted.err != nil {
		return counted.err // the disk, not the client: a 500
	}
	if err != nil {
		return a.bodyError(err)
	}
	if n > a.MaxUploadBytes {
		return a.tooLarge()
	}
	return nil
}

// progressWriter reports the bytes written so far to the progress board, and keeps
// its own error apart from the request's.
type progressWriter struct {
	w     io.Writer
	board *ProgressBoard
	id    string
	n     int64
	err   error
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if err != nil {
		p.err = err
	}
	p.n += int64(n)
	p.board.update(p.id, func(u *UploadProgress) { u.BytesRead = p.n })
	return n, err
}

// importUpload imports the received file into datasets/<id>, keeps the upload as
// uploads/<id><ext> and records the row; on any error it leaves none of them.
func (a *DatasetAPI) importUpload(c *gin.Context, f *uploadForm) (row *store.Dataset, err error) {
	if f.name != "" {
		if f.name, err = checkName(f.name); err != nil {
			return nil, err
		}
	}
	id := store.NewID("ds")
	dir := a.DataDir.Dataset(id)
	rel, err := a.DataDir.Rel(dir)
	if err != nil {
		return nil, err
	}
	kept := ""
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
			if kept != "" {
				os.Remove(kept)
			}
			a.Blobs.Remove(context.WithoutCancel(c.Request.Context()), filepath.ToSlash(rel))
			a.Blobs.RemovePrefix(context.WithoutCancel(c.Request.Context()), datadir.UploadsPrefix(id))
		}
	}()
	display := uploadDisplayName(f.fileName)
	m, err := data.Import(c.Request.Context(), f.tmp, dir, data.Options{
		Name:     display,
		Limits:   data.Limits{MaxUploadBytes: a.MaxUploadBytes, MaxCacheBytes: a.MaxCacheBytes},
		Channels: f.channels, Height: f.height, Width: f.width,
		Progress: func(p data.Progress) {
			f.touch()
			a.Progress.update(f.progressKey(), func(u *UploadProgress) { u.ImagesDecoded, u.ImagesTotal = p.ImagesDecoded, p.ImagesTotal })
		},
	})
	if err != nil {
		return nil, err
	}
	ext, err := uploadExt(m.Format, f.tmp)
	if err != nil {
		return nil, err
	}
	kept = a.DataDir.Upload(id, ext)
	if err := os.Rename(f.tmp, kept); err != nil {
		kept = ""
		return nil, err
	}
	f.tmp = ""
	// Shared before the row exists, so no worker that sees the row misses a file.
	if err := a.Blobs.Push(c.Request.Context(), filepath.ToSlash(rel)); err != nil {
		return nil, fmt.Errorf("share the dataset: %w", err)
	}
	if keptRel, err := a.DataDir.Rel(kept); err != nil {
		return nil, err
	} else if err := a.Blobs.Push(c.Request.Context(), filepath.ToSlash(keptRel)); err != nil {
		return nil, fmt.Errorf("share the upload: %w", err)
	}
	name := f.name
	if name == "" {
		name = experiment.CleanName(m.Name, "upload")
	}
	if row, err = store.NewUploadDataset(id, name, filepath.ToSlash(rel), m); err != nil {
		return nil, err
	}
	return row, a.DB.CreateDataset(c.Request.Context(), row)
}

// uploadExt names the kept upload by its content: the import recorded the format,
// except for an IDX pair, whose container is told by its first bytes.
func uploadExt(format, path string) (string, error) {
	if format != data.FormatIDX {
		return "." + format, nil
	}
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(file, head)
	switch head = head[:n]; {
	case bytes.HasPrefix(head, []byte("PK")):
		return ".zip", nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return ".tar.gz", nil
	}
	return ".tar", nil
}

// uploadDisplayName turns the file name the browser sent (any length, any bytes) into
// one that follows the name rules, keeping its extension, which tells CSV from the rest.
func uploadDisplayName(fileName string) string {
	ext := filepath.Ext(fileName)
	if strings.HasSuffix(strings.ToLower(fileName), ".tar.gz") {
		ext = fileName[len(fileName)-len(".tar.gz"):]
	}
	if len(ext) > 8 || experiment.CleanName(ext, "") != ext {
		ext = ""
	}
	stem := []rune(experiment.CleanName(strings.TrimSuffix(fileName, ext), "upload"))
	if keep := experiment.MaxNameLen - len(ext); len(stem) > keep {
		stem = stem[:keep]
	}
	return strings.TrimSpace(string(stem)) + ext
}

func badUploadID() error {
	return badRequest("bad_upload_id", "upload_id must be 1 to 64 letters, digits, '-' or '_'.")
}

func missingFile() error {
	return badRequest("missing_file", "No dataset file in the request: send multipart/form-data with the archive in field `file` (optional fields: name, channels, height, width).")
}

func (a *DatasetAPI) tooLarge() error {
	return newError(http.StatusRequestEntityTooLarge, string(data.CodeUploadTooLarge), fmt.Sprintf(
		"The upload is over the limit of %d bytes (%.1f MiB); upload a smaller dataset or start the server with a larger --max-upload-bytes.",
		a.MaxUploadBytes, float64(a.MaxUploadBytes)/(1<<20)))
}

// bodyError tells a body over the limit from a request that broke off.
func (a *DatasetAPI) bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return a.tooLarge()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return newError(http.StatusRequestTimeout, "upload_too_slow", fmt.Sprintf(
			"The upload arrived slower than %d KB every %s; check the connection and upload again.", uploadMinBytes>>10, uploadWindow))
	}
	return badRequest("bad_multipart", "The upload broke off or is not valid multipart/form-data (%v); send it again.", err)
}
