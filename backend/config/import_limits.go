package config

import "transferlab/backend/data"

// ImportLimits are the limits every import of this server is held to: an upload, and
// the copies of one made later at a model's input size.
func (c Config) ImportLimits() data.Limits {
	return data.Limits{MaxUploadBytes: c.MaxUploadBytes, MaxCacheBytes: c.MaxCacheBytes}
}
