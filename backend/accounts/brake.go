package accounts

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Brake slows password guessing: each key (a client address, an account name) may fail
// Burst times at once, then once per Every. Successful sign-ins cost nothing.
type Brake struct {
	Every time.Duration
	Burst int

	mu   sync.Mutex
	keys map[string]*rate.Limiter
}

// maxBrakeKeys bounds the memory a flood of made-up names can take; past it the
// oldest allowances are forgotten all at once, which only ever lets a guesser start
// over from a full burst.
const maxBrakeKeys = 10000

// NewBrake allows burst failures per key, then one per every.
func NewBrake(every time.Duration, burst int) *Brake {
	return &Brake{Every: every, Burst: burst, keys: map[string]*rate.Limiter{}}
}

func (b *Brake) limiter(key string) *rate.Limiter {
	l, ok := b.keys[key]
	if !ok {
		if len(b.keys) >= maxBrakeKeys {
			b.keys = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Every(b.Every), b.Burst)
		b.keys[key] = l
	}
	return l
}

// Wait tells how long any of keys must wait before another try; zero when all may try.
func (b *Brake) Wait(now time.Time, keys ...string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		l := b.limiter(k)
		if l.TokensAt(now) >= 1 {
			continue
		}
		r := l.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > wait {
			wait = d
		}
		r.CancelAt(now)
	}
	return wait
}

// Failed spends one try of each key.
func (b *Brake) Failed(now time.Time, keys ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		b.limiter(k).AllowN(now, 1)
	}
}
