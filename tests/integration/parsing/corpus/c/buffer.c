#include <stdlib.h>
#include <string.h>

/* A growable byte buffer. */
struct buffer {
    char *data;
    size_t len;
    size_t cap;
};

typedef struct {
    int x, y;
} point_t;

// Allocate an empty buffer.
// Returns NULL when out of memory.
struct buffer *buffer_new(void)
{
    return calloc(1, sizeof(struct buffer));
}

/**
 * Append bytes, growing as needed.
 */
int buffer_append(struct buffer *b, const char *src, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        char *p = realloc(b->data, cap);
        if (!p) return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, src, n);
    b->len += n;
    return 0;
}

static inline size_t buffer_len(const struct buffer *b) { return b->len; }

int buffer_compare(const void *a, const void *b);

#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Apply fn to every byte. */

void buffer_each(struct buffer *b, void (*fn)(char, void *), void *ctx)
{
    for (size_t i = 0; i < b->len; i++)
        fn(b->data[i], ctx);
}

static int (*pick(int which))(int, int)
{
    return 0;
}

/* Report and stop. */
__attribute__((noreturn)) void die(const char *msg)
{
    abort();
}
