package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxJSONBytes bounds every JSON request body: the largest real one, an experiment with
// all its arms and settings, is a few kilobytes.
const maxJSONBytes = 64 << 10

// decodeJSON reads the request body as exactly one JSON value into v. It refuses a body
// that is not sent as application/json (a cross-site form can send text/plain, never
// JSON without asking first), one over maxJSONBytes, fields v does not have, and
// anything after the value. what says what the body should be, for the message.
func decodeJSON(c *gin.Context, v any, what string) error {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		return newError(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Send the body as JSON with the header `Content-Type: application/json`.")
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, what)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil && isTooLarge(err) {
			return bodyTooLarge()
		}
		return badRequest("bad_json", "The body has more after the JSON value; send %s and nothing else.", what)
	}
	return nil
}

func jsonError(err error, what string) error {
	if isTooLarge(err) {
		return bodyTooLarge()
	}
	if errors.Is(err, io.EOF) {
		return badRequest("bad_json", "The body is empty; send %s.", what)
	}
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return badRequest("bad_json", "The body is not valid JSON for this route (%s); send %s.", strings.ToValidUTF8(msg, "?"), what)
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func bodyTooLarge() error {
	return newError(http.StatusRequestEntityTooLarge, "body_too_large",
		fmt.Sprintf("The JSON body is over %d KB; no request needs more, so check what is being sent.", maxJSONBytes>>10))
}
