package server

import (
	"context"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
)

// Predictor classifies an uploaded image with a model and hands out its weights; the
// jobs package implements it.
type Predictor interface {
	Predict(ctx context.Context, modelID string, img io.Reader, k int) ([]experiment.Prediction, error)
	Weights(ctx context.Context, modelID string) ([]byte, error)
}

// PredictView is POST /api/models/:id/predict: the likeliest classes, most likely first.
type PredictView struct {
	ModelID string                  `json:"model_id"`
	Top     []experiment.Prediction `json:"top"`
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
		fail(c, newError(ie.HTTPStatus(), string(ie.Code), ie.Message))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, PredictView{ModelID: c.Param("id"), Top: top})
}

// download sends the model's weights as a safetensors file PyTorch's safetensors reads;
// the card (architecture, classes, input) is in the file's metadata too.
func (a *ModelAPI) download(c *gin.Context) {
	m, err := a.DB.Model(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	b, err := a.Predict.Weights(c.Request.Context(), m.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+m.ID+`.safetensors"`)
	c.Data(http.StatusOK, "application/octet-stream", b)
}
