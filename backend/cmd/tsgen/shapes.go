package main

import (
	"reflect"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/jobs"
	"transferlab/backend/nn"
	"transferlab/backend/series"
	"transferlab/backend/server"
	"transferlab/backend/train"
)

// enum is a string type and its values, written as a union.
type enum struct {
	t      reflect.Type
	values []string
}

func enumOf[T ~string](values ...T) enum {
	var zero T
	out := enum{t: reflect.TypeOf(zero)}
	for _, v := range values {
		out.values = append(out.values, string(v))
	}
	return out
}

var enums = []enum{
	enumOf(experiment.Queued, experiment.Running, experiment.Succeeded, experiment.Failed, experiment.Cancelled),
	enumOf(experiment.ExperimentQueued, experiment.ExperimentRunning, experiment.ExperimentSucceeded,
		experiment.ExperimentFailed, experiment.ExperimentCancelled),
	enumOf(experiment.Scratch, experiment.Finetune, experiment.Freeze, experiment.LinearProbe,
		experiment.GradualUnfreeze, experiment.LayerwiseLR),
	enumOf(experiment.KindInt, experiment.KindFloat, experiment.KindBool, experiment.KindChoice),
	enumOf(data.DatasetStatuses...),
	enumOf(data.ImportCodes...),
	enumOf(experiment.Axes...),
}

// types are the API's shapes, each written as an interface with its Go name (or the
// one renamed gives it). The evaluation and the model card are written by the engine
// and served as stored, so their shapes come from the engine's own types.
var types = []any{
	experiment.Hyper{}, experiment.Setting{}, experiment.When{}, experiment.StrategyInfo{},
	experiment.Layer{}, experiment.Prediction{}, experiment.TransferScore{}, experiment.Transferability{}, experiment.ModelTiming{}, experiment.SizeTiming{}, experiment.Input{}, experiment.Request{}, experiment.ArmRequest{},
	series.Point{}, experiment.ArmVerdict{}, experiment.Ratio{}, experiment.Gap{},
	server.RunView{}, server.LabelledRun{}, server.ExperimentView{}, server.ExperimentList{}, server.SpecView{}, server.HealthView{},
	experiment.SweepRequest{}, experiment.SweepSpec{}, experiment.Band{}, experiment.LinePoint{},
	server.SweepListItem{}, server.SweepCellView{}, server.SweepView{},
	server.Owned{}, server.UserView{}, server.MeView{}, server.LoginRequest{}, server.TokenView{}, server.NewTokenView{},
	server.TokenRequest{}, server.NewUserRequest{}, server.TokenList{}, server.UserList{}, server.SharedView{},
	server.DatasetView{}, server.DatasetList{}, data.ClassInfo{}, data.SplitCounts{}, data.Stats{},
	data.Report{}, data.SkippedFile{}, data.Duplicate{}, server.UploadProgress{}, data.ImportError{},
	server.ModelView{}, server.ModelList{}, nn.Card{}, nn.Input{}, nn.Origin{}, server.PredictView{},
	server.CompareRun{}, server.HyperDiff{}, server.Comparison{}, server.MetricNames{}, server.MetricCurve{},
	jobs.Evaluation{}, train.Report{}, train.ClassMetrics{}, train.Miss{}, train.Result{}, train.EvalMetrics{},
}

// renamed names the Go types whose own name another type of the API already has.
var renamed = map[reflect.Type]string{
	reflect.TypeOf(data.Report{}):  "ImportReport",
	reflect.TypeOf(train.Report{}): "TestReport",
}

// mayBeNull are the engine's lists and maps it leaves nil when empty, which JSON writes
// as null; the generator writes them `| null`. The server's shape test checks every
// other list and map of a real answer is never null.
var mayBeNull = map[reflect.Type][]string{
	reflect.TypeOf(nn.Card{}):           {"Optimizer"},
	reflect.TypeOf(train.EvalMetrics{}): {"Drift"},
}
