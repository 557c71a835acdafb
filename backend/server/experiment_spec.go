package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/experiment"
)

// SpecView is GET /api/experiments/spec: the rules the web app validates and defaults
// by, so its limits are the server's.
type SpecView struct {
	Settings   []experiment.Setting      `json:"settings"`
	Strategies []experiment.StrategyInfo `json:"strategies"`
	Defaults   experiment.Hyper          `json:"defaults"`
	MaxArms    int                       `json:"max_arms"`
}

// Spec is the rules as GET /api/experiments/spec serves them.
func Spec() SpecView {
	return SpecView{Settings: experiment.Settings, Strategies: experiment.Strategies,
		Defaults: experiment.DefaultHyper(), MaxArms: experiment.MaxArms}
}

func (a *ExperimentAPI) spec(c *gin.Context) {
	c.JSON(http.StatusOK, Spec())
}
