// Package queue provides a generic FIFO queue.
package queue

import (
	"errors"
	"sync"
)

// ErrEmpty is returned when the queue has no items.
var ErrEmpty = errors.New("queue: empty")

// Queue is a thread-safe FIFO queue.
// The zero value is ready to use.
type Queue[T any] struct {
	mu    sync.Mutex
	items []T
}

// Sizer reports a size.
type Sizer interface {
	Len() int
}

type (
	// Pair groups two values.
	Pair struct{ A, B int }
	ID   string
)

// Push appends an item.
func (q *Queue[T]) Push(item T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, item)
}

/* Pop removes the first item. */
func (q *Queue[T]) Pop() (T, error) {
	var zero T
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return zero, ErrEmpty
	}
	item := q.items[0]
	q.items = q.items[1:]
	return item, nil
}

// Len is the number of items.

func (q Queue[T]) Len() int { return len(q.items) }

// Map applies fn to every item.
func Map[T, R any](items []T, fn func(T) R) []R {
	out := make([]R, 0, len(items))
	each := func(x T) {
		out = append(out, fn(x))
	}
	for _, x := range items {
		each(x)
	}
	return out
}

func init() {}
