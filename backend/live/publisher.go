package live

// Publisher is where training sends its events: the Hub itself when the web app and
// training share one process, or a Journal that stores them for the web processes of
// a shared database.
type Publisher interface {
	Publish(topic string, ev Event) uint64
	Finish(topic string)
}

var _ Publisher = (*Hub)(nil)
