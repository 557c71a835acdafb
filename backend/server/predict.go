package server

import (
	"context"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/data"
	"transferlab/backend/jobs"
)

// Predictor classifies an uploaded image with a model; the jobs package implements it.
type Predictor interface {
	Predict(ctx context.Context, modelID string, img io.Reader, k int) ([]jobs.Prediction, error)
}

// maxPredictBytes bounds an image sent for prediction; a photo fits, an archive does not.
const maxPredictBytes = 20 << 20

func (a *ModelAPI) predict(c *gin.Context) {
	if _, err := a.DB.Model(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxPredictBytes)
	fh, err := c.FormFile("file")
	if err != nil {
		fail(c, badRequest("missing_file", "Send the image as the multipart field \"file\" (PNG, JPEG, GIF, BMP or WebP, at most 20 MB)."))
		return
	}
	f, err := fh.Open()
	if err != nil {
		fail(c, err)
		return
	}
	defer f.Close()
	top, err := a.Predict.Predict(c.Request.Context(), c.Param("id"), f, 5)
	if ie, ok := data.IsImportError(err); ok {
		fail(c, newError(ie.HTTPStatus(), ie.Code, ie.Message))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"model_id": c.Param("id"), "top": top})
}
