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
}

// Architectures describes the layers of an architecture; the jobs package implements it.
type Architectures interface {
	Layers(arch string, in experiment.Input, classes int) ([]experiment.Layer, error)
}

type modelView struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Arch         string             `json:"arch"`
	Input        inputShape         `json:"input"`
	Classes      json.RawMessage    `json:"classes"`
	Source       string             `json:"source"`
	SourceData   string             `json:"source_dataset"`
	TestAccuracy *float64           `json:"test_accuracy"`
	RunID        *string            `json:"run_id,omitempty"`
	Card         json.RawMessage    `json:"card"`
	Layers       []experiment.Layer `json:"layers"`
	Owned
}

type inputShape struct {
	Channels int `json:"channels"`
	Height   int `json:"height"`
	Width    int `json:"width"`
}

func (a *ModelAPI) viewOf(m *store.Model) modelView {
	v := modelView{ID: m.ID, Name: m.Name, Arch: m.Arch,
		Input:   inputShape{Channels: m.Channels, Height: m.Height, Width: m.Width},
		Classes: rawJSON(m.Classes), Source: m.Source, SourceData: m.SourceDataset,
		TestAccuracy: m.TestAccuracy, RunID: m.RunID, Card: rawJSON(m.Card), Layers: []experiment.Layer{},
		Owned: Owned{OwnerID: m.OwnerID, Shared: m.Shared}}
	if a.Arch != nil {
		// A model whose architecture this build does not know is still listed.
		in := experiment.Input{Channels: m.Channels, Height: m.Height, Width: m.Width}
		if ls, err := a.Arch.Layers(m.Arch, in, len(modelClasses(m))); err == nil {
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
	out := make([]modelView, len(ms))
	for i := range ms {
		out[i] = a.viewOf(&ms[i])
	}
	c.JSON(http.StatusOK, gin.H{"models": out})
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
	var classes []string
	_ = json.Unmarshal([]byte(m.Classes), &classes)
	return classes
}
