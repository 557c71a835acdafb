// Package experiment owns the rules of an experiment: its spec (dataset, base model,
// arms and their strategies, shared settings), the settings table every limit and
// default comes from, validation with messages that say what to send, default names,
// the statuses of runs and experiments, and the result summary. The server checks
// requests with it, the job queue trains by it and the web app reads its table, so the
// three cannot disagree. It knows nothing about HTTP, the database or the engine.
package experiment

// Kind is the type of a setting's value.
type Kind string

// Setting kinds.
const (
	KindInt    Kind = "int"
	KindFloat  Kind = "float"
	KindBool   Kind = "bool"
	KindChoice Kind = "choice"
)

// When makes a setting apply only while another setting has a value (step_epochs only
// matters for the step schedule).
type When struct {
	Setting string `json:"setting"`
	Value   string `json:"value"`
}

// Setting describes one training setting: its type, default and allowed values, and
// the words the web app shows for it.
type Setting struct {
	Name         string   `json:"name"`
	Kind         Kind     `json:"kind"`
	Default      any      `json:"default" tstype:"number | string | boolean"`
	Min          *float64 `json:"min,omitempty"`
	Max          *float64 `json:"max,omitempty"`
	MinExclusive bool     `json:"min_exclusive,omitempty"`
	MaxExclusive bool     `json:"max_exclusive,omitempty"`
	// MaxSetting caps the value by another setting's value (warm-up within the epochs).
	MaxSetting string   `json:"max_setting,omitempty"`
	Options    []string `json:"options,omitempty"`
	When       *When    `json:"when,omitempty"`
	Label      string   `json:"label"`
	Unit       string   `json:"unit,omitempty"`
	Help       string   `json:"help"`
}

func num(v float64) *float64 { return &v }

// MaxArms is the most arms one experiment may have.
const MaxArms = 8

// MaxReplicates is the most seeds one experiment may run each arm with; WizardReplicates
// is what the wizard suggests: three pairs are the fewest that give an interval worth
// reading.
const (
	MaxReplicates    = 10
	WizardReplicates = 3
	// MaxLabelsPerClass bounds the labels_per_class setting; a class with fewer images
	// trains on all of them.
	MaxLabelsPerClass = 100000
)

// Settings is the table of every training setting, in the order the web app shows
// them. Defaults are the standard transfer task's: SGD momentum 0.9, lr 0.01, batch 32,
// 10 epochs.
var Settings = []Setting{
	{Name: "epochs", Kind: KindInt, Default: 10, Min: num(1), Max: num(500), Label: "Epochs", Unit: "epochs",
		Help: "Passes over the training images. Fine-tuning needs few."},
	{Name: "batch_size", Kind: KindInt, Default: 32, Min: num(1), Max: num(1024), Label: "Batch size", Unit: "images",
		Help: "Images per training step."},
	{Name: "optimizer", Kind: KindChoice, Default: "sgd", Options: []string{"sgd", "adam"}, Label: "Optimizer",
		Help: "SGD with momentum, or Adam."},
	{Name: "lr", Kind: KindFloat, Default: 0.01, Min: num(0), MinExclusive: true, Max: num(10), Label: "Learning rate",
		Help: "Step size. Fine-tuning wants a small one, e.g. 0.01 with SGD or 0.001 with Adam."},
	{Name: "momentum", Kind: KindFloat, Default: 0.9, Min: num(0), Max: num(1), MaxExclusive: true, Label: "Momentum",
		When: &When{Setting: "optimizer", Value: "sgd"}, Help: "SGD momentum; Adam ignores it."},
	{Name: "weight_decay", Kind: KindFloat, Default: 0.0, Min: num(0), Max: num(1), Label: "Weight decay",
		Help: "L2 penalty added to the gradient; 0 is off."},
	{Name: "schedule", Kind: KindChoice, Default: "constant", Options: []string{"constant", "step", "cosine"},
		Label: "Schedule", Help: "How the learning rate changes over the run."},
	{Name: "step_epochs", Kind: KindInt, Default: 3, Min: num(1), Max: num(500), Label: "Decay every", Unit: "epochs",
		When: &When{Setting: "schedule", Value: "step"}, Help: "The step schedule multiplies the learning rate by gamma every this many epochs."},
	{Name: "gamma", Kind: KindFloat, Default: 0.1, Min: num(0), MinExclusive: true, Max: num(1), Label: "Decay factor",
		When: &When{Setting: "schedule", Value: "step"}, Help: "What the step schedule multiplies the learning rate by."},
	{Name: "warmup_epochs", Kind: KindFloat, Default: 0.0, Min: num(0), MaxSetting: "epochs", Label: "Warm-up", Unit: "epochs",
		Help: "Raise the learning rate linearly from 0 over this many epochs."},
	{Name: "seed", Kind: KindInt, Default: 1, Min: num(0), Max: num(2147483647), Label: "Seed",
		Help: "Same seed, data and settings give the same curves; every arm shares it."},
	{Name: "head_lr_mult", Kind: KindFloat, Default: 1.0, Min: num(0), MinExclusive: true, Max: num(1000), Label: "Head learning-rate multiplier",
		Help: "The new output layer learns at the learning rate times this; 1 is the same rate."},
	{Name: "unfreeze_every", Kind: KindInt, Default: 1, Min: num(1), Max: num(500), Label: "Unfreeze every", Unit: "epochs",
		Help: "Gradual unfreezing only: the head trains alone for this many epochs, then one more layer from the top joins every this many epochs."},
	{Name: "layer_lr_decay", Kind: KindFloat, Default: 0.5, Min: num(0), MinExclusive: true, Max: num(1), Label: "Layer-wise decay",
		Help: "Layer-wise learning rates only: each layer down learns at the rate of the layer above times this; 1 is plain fine-tuning."},
	{Name: "aug_shift", Kind: KindInt, Default: 0, Min: num(0), Max: num(8), Label: "Random shift", Unit: "pixels",
		Help: "Shift training images by up to this many pixels; 0 is off."},
	{Name: "aug_flip", Kind: KindBool, Default: false, Label: "Random flip",
		Help: "Flip training images left to right at random (not for digits or letters)."},
	{Name: "input_size", Kind: KindInt, Default: 0, Min: num(0), Max: num(1024), Label: "Input size", Unit: "pixels",
		Help: "Models that work at several sizes only (the ImageNet MobileNetV2: 96, 128, 160, 192 or 224): resize the images to this many pixels a side instead of the model's own; 0 keeps the model's. Smaller trains faster, larger sees more detail."},
	{Name: "bn_reestimate", Kind: KindBool, Default: false, Label: "Re-estimate batch norm",
		Help: "Models with batch norm only (the ImageNet MobileNetV2): before training, measure each batch norm's mean and variance on a sample of your training images instead of keeping the statistics stored with the model. Helps when your images differ from the model's; on the colour example the stored ones did better, so it is off by default."},
	{Name: "eval_every", Kind: KindInt, Default: 0, Min: num(0), Max: num(1000000), Label: "Validate every", Unit: "steps",
		Help: "0 validates often enough for a smooth curve (about 20 points)."},
	{Name: "clip_norm", Kind: KindFloat, Default: 0.0, Min: num(0), Max: num(1000000), Label: "Gradient clip",
		Help: "Clip the global gradient norm to this; 0 is off."},
	{Name: "early_stop", Kind: KindInt, Default: 0, Min: num(0), Max: num(500), Label: "Early stop", Unit: "epochs",
		Help: "Stop after this many epochs without a better validation loss; 0 is off."},
	{Name: "replicates", Kind: KindInt, Default: 1, Min: num(1), Max: num(MaxReplicates), Label: "Replicates", Unit: "seeds",
		Help: "Run every arm once per seed (seed, seed+1, ...), each seed shared by all arms, so the verdict has an interval. Where the training data is a per-class sample, each replicate draws its own. The wizard suggests 3; a request that leaves it out runs 1."},
	{Name: "target_fraction", Kind: KindFloat, Default: 0.95, Min: num(0), MinExclusive: true, Max: num(1), Label: "Target fraction",
		Help: "The speedup is measured at this share of scratch's final smoothed validation accuracy (unless a target accuracy is set)."},
	{Name: "target_acc", Kind: KindFloat, Default: 0.0, Min: num(0), Max: num(1), Label: "Target accuracy",
		Help: "A fixed validation accuracy to measure the speedup at; 0 uses the target fraction of scratch's final smoothed accuracy."},
	{Name: "labels_per_class", Kind: KindInt, Default: 0, Min: num(0), Max: num(MaxLabelsPerClass), Label: "Labels per class", Unit: "images",
		Help: "Train on this many images of each class, drawn per replicate (seeded, nested: the 10-per-class pick holds the 5-per-class one); 0 trains on every training image. Validation and test stay whole."},
	{Name: "val_limit", Kind: KindInt, Default: 1000, Min: num(0), Max: num(1000000), Label: "Validation images", Unit: "images",
		Help: "Score at most this many validation images for the live curves; 0 scores them all. The final test uses every test image."},
}

// SettingNamed returns the descriptor of a setting.
func SettingNamed(name string) (Setting, bool) {
	for _, s := range Settings {
		if s.Name == name {
			return s, true
		}
	}
	return Setting{}, false
}
