package accounts

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordsHashWithFreshSaltAndCheck(t *testing.T) {
	h1, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse battery")
	if h1 == h2 || !strings.HasPrefix(h1, "$argon2id$v=19$m=32768,t=2,p=1$") {
		t.Fatalf("hashes %q %q", h1, h2)
	}
	if !CheckPassword(h1, "correct horse battery") || CheckPassword(h1, "correct horse batterY") || CheckPassword("", "correct horse battery") {
		t.Fatal("password check is wrong")
	}
	if CheckPassword("$bcrypt$nonsense", "x") {
		t.Fatal("a hash of another kind matched")
	}
	if _, err := HashPassword("short"); err != ErrPasswordShort {
		t.Fatalf("short password: %v", err)
	}
}

func TestSecretsAreRandomAndStoredHashed(t *testing.T) {
	s1, h1 := NewSecret(TokenPrefix)
	s2, _ := NewSecret(TokenPrefix)
	if s1 == s2 || !strings.HasPrefix(s1, "tlp_") || len(s1) < 40 || h1 != HashSecret(s1) || strings.Contains(h1, s1[4:]) {
		t.Fatalf("secrets %q %q hash %q", s1, s2, h1)
	}
}

func TestBrakeAllowsABurstThenOneTryPerPeriod(t *testing.T) {
	b := NewBrake(time.Minute, 3)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if w := b.Wait(now, "ip:1", "name:ada"); w != 0 {
			t.Fatalf("try %d waits %v", i, w)
		}
		b.Failed(now, "ip:1", "name:ada")
	}
	if w := b.Wait(now, "ip:2", "name:ada"); w <= 0 || w > time.Minute {
		t.Fatalf("a fourth try on the same name from another address waits %v", w)
	}
	if w := b.Wait(now, "ip:2", "name:bob"); w != 0 {
		t.Fatalf("another address and name wait %v", w)
	}
	if w := b.Wait(now.Add(time.Minute), "ip:1", "name:ada"); w != 0 {
		t.Fatalf("after a minute the wait is %v", w)
	}
}
