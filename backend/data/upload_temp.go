package data

// TempUploadPrefix starts the name of an upload still being received; a file with it
// that is older than the upload sweep's age was left by a request that died.
const TempUploadPrefix = "incoming-"
