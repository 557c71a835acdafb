package experiment

// batchNormArchs are the architectures whose pretrained weights keep their batch norms
// (folded into the convolutions, with what re-estimating them needs): the ImageNet
// MobileNetV2 cut. The digit networks have none.
var batchNormArchs = map[string]bool{"mobilenetv2-b10": true}

// ArchHasBatchNorm reports whether a base model of arch has batch norms whose
// statistics the bn_reestimate setting can re-estimate.
func ArchHasBatchNorm(arch string) bool { return batchNormArchs[arch] }

// checkBatchNorm refuses bn_reestimate where there is no batch norm to re-estimate.
func checkBatchNorm(h Hyper, baseModelID, modelName, arch string) error {
	switch {
	case !h.BNReestimate:
		return nil
	case baseModelID == "":
		return problem("bad_hyper", "bn_reestimate re-estimates a pretrained model's batch norm, and this experiment has no base model: leave bn_reestimate out.")
	case !ArchHasBatchNorm(arch):
		return problem("bad_hyper", "bn_reestimate: the base model %s (%s) has no batch norm to re-estimate; only models with batch norm (the ImageNet MobileNetV2) take it: leave bn_reestimate out or pick such a model.", modelName, arch)
	}
	return nil
}
