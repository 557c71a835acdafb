package server

import (
	"io"
	"strings"
	"testing"
)

// TestUploadRefusalsLeaveNothing sends uploads the server must refuse and checks each
// gets its status and code and leaves no row and no file.
func TestUploadRefusalsLeaveNothing(t *testing.T) {
	const limit = 64 << 10 // below shapes.zip (about 110 KB)
	good := map[string][]byte{"a/1.png": datasetPNG(t, 1), "a/2.png": datasetPNG(t, 2), "b/1.png": datasetPNG(t, 3), "b/2.png": datasetPNG(t, 4)}
	slip := map[string][]byte{"../../evil/1.png": datasetPNG(t, 5)}
	for k, v := range good {
		slip[k] = v
	}
	file := func(b []byte) formField { return formField{name: "file", fileName: "data.zip", body: b} }
	cases := []struct {
		name   string
		query  string
		fields []formField
		// stream sends the body with no declared length, so only counting the bytes
		// can catch one over the limit.
		stream     bool
		wantStatus int
		wantCode   string
	}{
		{"zip slip", "", []formField{file(zipOf(t, slip))}, false, 400, "zip_slip"},
		{"not an archive", "", []formField{file(datasetPNG(t, 1))}, false, 400, "unsupported_format"},
		{"empty file", "", []formField{file(nil)}, false, 400, "unsupported_format"},
		{"one class", "", []formField{file(zipOf(t, map[string][]byte{"a/1.png": datasetPNG(t, 1)}))}, false, 422, "too_few_classes"},
		{"bad channels", "", []formField{{name: "channels", body: []byte("2")}, file(zipOf(t, good))}, false, 400, "bad_options"},
		{"missing file", "", []formField{{name: "name", body: []byte("x")}}, false, 400, "missing_file"},
		{"over the limit, length declared", "", []formField{file(shapesZip(t))}, false, 413, "upload_too_large"},
		{"over the limit, streamed", "", []formField{file(shapesZip(t))}, true, 413, "upload_too_large"},
		{"bad upload id", "?upload_id=../x", []formField{file(zipOf(t, good))}, false, 400, "bad_upload_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, dir := datasetServer(t, limit)
			body, ct := multipartBody(t, tc.fields...)
			if tc.stream {
				body = io.MultiReader(body)
			}
			status, resp := ts.postBody(t, "/api/datasets"+tc.query, ct, body)
			if status != tc.wantStatus || errorCode(t, resp) != tc.wantCode {
				t.Fatalf("%d %s; want %d %s", status, resp, tc.wantStatus, tc.wantCode)
			}
			assertNothingLeft(t, ts.db, dir)
		})
	}
}

func TestUploadThatIsNotMultipartIsMissingItsFile(t *testing.T) {
	ts, dir := datasetServer(t, 1<<20)
	status, body := ts.postBody(t, "/api/datasets", "application/json", strings.NewReader(`{"file":"x"}`))
	if status != 400 || errorCode(t, body) != "missing_file" || !strings.Contains(body, "`file`") {
		t.Fatalf("%d %s", status, body)
	}
	assertNothingLeft(t, ts.db, dir)
}

// TestUploadOptionsAndFieldOrder checks the optional fields apply even when they come
// after the file (the lifecycle test sends name before it), and that the browser's
// file name, Windows path and all, only names the dataset.
func TestUploadOptionsAndFieldOrder(t *testing.T) {
	ts, _ := datasetServer(t, 1<<20)
	files := map[string][]byte{}
	for i, class := range []string{"cat", "dog"} {
		for k := 0; k < 10; k++ {
			files[class+"/"+itoa(k)+".png"] = datasetPNG(t, 10*i+k)
		}
	}
	status, body := ts.uploadDataset(t, "/api/datasets",
		formField{name: "file", fileName: `C:\Users\me\pets.zip`, body: zipOf(t, files)},
		formField{name: "channels", body: []byte("3")},
		formField{name: "height", body: []byte("16")},
		formField{name: "width", body: []byte("12")})
	ds := decodeDataset(t, body)
	if status != 201 || ds.Channels != 3 || ds.Height != 16 || ds.Width != 12 || ds.Name != "pets" || ds.NumImages != 20 {
		t.Fatalf("options after the file: %d %s", status, body)
	}
	status, _, png := ts.do(t, "GET", "/api/datasets/"+ds.ID+"/images/0?split=train", "")
	if b := decodePNG(t, png).Bounds(); status != 200 || b.Dx() != 12 || b.Dy() != 16 {
		t.Fatalf("image size %v", b)
	}
}

// A file whose name promises an archive it is not gets told so, not advice for what
// its bytes happen to look like (a CSV's missing label column, say).
func TestUploadNamedAsAnArchiveItIsNot(t *testing.T) {
	csv := []byte("a,b,c\n1,2,3\n4,5,6\n")
	good := zipOf(t, map[string][]byte{"a/1.png": datasetPNG(t, 1), "a/2.png": datasetPNG(t, 2), "b/1.png": datasetPNG(t, 3), "b/2.png": datasetPNG(t, 4)})
	cases := []struct {
		fileName string
		body     []byte
		want     string
	}{
		{"digits.zip", csv, "digits.zip is not a valid zip archive (its content is csv)"},
		{"digits.ZIP", datasetPNG(t, 1), "digits.ZIP is not a valid zip archive;"},
		{"digits.tar.gz", csv, "digits.tar.gz is not a valid gzip-compressed tar archive"},
		{"digits.tgz", good, "digits.tgz is not a valid gzip-compressed tar archive (its content is zip)"},
	}
	for _, tc := range cases {
		t.Run(tc.fileName, func(t *testing.T) {
			ts, dir := datasetServer(t, 1<<20)
			status, body := ts.uploadDataset(t, "/api/datasets", formField{name: "file", fileName: tc.fileName, body: tc.body})
			if status != 400 || errorCode(t, body) != "unsupported_format" || !strings.Contains(body, tc.want) || strings.Contains(body, "label") {
				t.Fatalf("%d %s; want 400 unsupported_format saying %q", status, body, tc.want)
			}
			assertNothingLeft(t, ts.db, dir)
		})
	}
	// The same CSV under its own name is imported as CSV (and refused for what it lacks).
	ts, _ := datasetServer(t, 1<<20)
	status, body := ts.uploadDataset(t, "/api/datasets", formField{name: "file", fileName: "digits.csv", body: csv})
	if status/100 != 4 || !strings.Contains(body, "label") {
		t.Fatalf("the CSV under its own name: %d %s", status, body)
	}
}

// Names from the request that a refusal quotes (a form field's, a value) are cut
// short and shown with escapes, so a 100,000-character field name makes no huge answer.
func TestUploadRefusalsQuoteFieldsShort(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("f", 100_000)
	status, body := ts.uploadDataset(t, "/api/datasets", formField{name: long, body: []byte(strings.Repeat("v", 2000))})
	if status != 400 || errorCode(t, body) != "bad_field" || len(body) > 400 || !strings.Contains(body, "(100000 characters)") {
		t.Fatalf("long field name: %d (%d bytes) %.300s", status, len(body), body)
	}
	status, body = ts.uploadDataset(t, "/api/datasets", formField{name: "height", body: []byte("12\u202E" + strings.Repeat("9", 900))})
	if status != 400 || errorCode(t, body) != "bad_options" || len(body) > 400 || !strings.Contains(body, `12\\u202e`) {
		t.Fatalf("bad number: %d (%d bytes) %.300s", status, len(body), body)
	}
}
