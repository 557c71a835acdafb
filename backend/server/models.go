package server

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// ModelAPI lists the model zoo and the models runs produced.
type ModelAPI struct {
	DB      *store.DB
	Predict Predictor
	Arch    Architectures
	Timer   Timer
}

// Architectures describes the layers of an architecture; the jobs package implements it.
type Architectures interface {
	Layers(arch string, in experiment.Input, classes int) ([]experiment.Layer, error)
}

// ModelView is a model as the API shows it (GET /api/models/:id). Its card is the one
// written beside the weights (the engine's nn.Card), passed on as stored.
type ModelView struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Arch         string             `json:"arch"`
	Input        experiment.Input   `json:"input"`
	Classes      []string           `json:"classes"`
	Source       string             `json:"source"`
	SourceData   string             `json:"source_dataset"`
	TestAccuracy *float64           `json:"test_accuracy"`
	RunID        *string            `json:"run_id,omitempty"`
	Card         json.RawMessage    `json:"card" tstype:"Card | null"`
	Layers       []experiment.Layer `json:"layers"`
	Owned
	// BatchNorm says the model keeps batch norms the bn_reestimate setting can
	// re-estimate; InputSizes lists the sizes it trains at besides its own (none when
	// its size is fixed).
	BatchNorm  bool  `json:"batch_norm"`
	InputSizes []int `json:"input_sizes"`
}

// ModelList is GET /api/models.
type ModelList struct {
	Models []ModelView `json:"models"`
}

func (a *ModelAPI) viewOf(m *store.Model) ModelView {
	v := ModelView{ID: m.ID, Name: m.Name, Arch: m.Arch,
		Input:   experiment.Input{Channels: m.Channels, Height: m.Height, Width: m.Width},
		Classes: modelClasses(m), Source: m.Source, SourceData: m.SourceDataset,
		TestAccuracy: m.TestAccuracy, RunID: m.RunID, Card: rawJSON(m.Card), Layers: []experiment.Layer{},
		Owned:     Owned{OwnerID: m.OwnerID, Shared: m.Shared},
		BatchNorm: experiment.ArchHasBatchNorm(m.Arch), InputSizes: experiment.InputSizes(m.Arch)}
	if v.InputSizes == nil {
		v.InputSizes = []int{}
	}
	if a.Arch != nil {
		// A model whose architecture this build does not know is still listed.
		if ls, err := a.Arch.Layers(m.Arch, v.Input, len(v.Classes)); err == nil {
			v.Layers = ls
		}
	}
	return v
}

func (a *ModelAPI) list(c *gin.Context) {
	ms, err := a.DB.Models(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]ModelView, len(ms))
	for i := range ms {
		out[i] = a.viewOf(&ms[i])
	}
	c.JSON(http.StatusOK, ModelList{Models: out})
}

func (a *ModelAPI) get(c *gin.Context) {
	m, err := a.DB.Model(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a.viewOf(m))
}

// modelClasses reads a model row's class list.
func modelClasses(m *store.Model) []string {
	classes := []string{}
	_ = json.Unmarshal([]byte(m.Classes), &classes)
	return classes
}
