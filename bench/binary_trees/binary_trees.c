/* Benchmark peer: binary-trees in C (clang-19 -O2), single-threaded, every
 * node from plain malloc and returned with free. Same algorithm, depth (18)
 * and output as binary_trees.sifr. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MIN_DEPTH 4
#define DEPTH 18

typedef struct Node {
    struct Node *left, *right;
} Node;

static Node *new_node(Node *left, Node *right) {
    Node *n = malloc(sizeof *n);
    if (!n) {
        fputs("binary_trees: out of memory\n", stderr);
        exit(1);
    }
    n->left = left;
    n->right = right;
    return n;
}

/* A perfect tree of the given depth, built bottom-up. */
static Node *bottom_up_tree(int depth) {
    if (depth > 0) return new_node(bottom_up_tree(depth - 1), bottom_up_tree(depth - 1));
    return new_node(NULL, NULL);
}

/* Number of nodes; every node has either two children or none. */
static int64_t check(const Node *n) {
    if (!n->left) return 1;
    return 1 + check(n->left) + check(n->right);
}

static void free_tree(Node *n) {
    if (n->left) {
        free_tree(n->left);
        free_tree(n->right);
    }
    free(n);
}

int main(void) {
    int max_depth = DEPTH < MIN_DEPTH + 2 ? MIN_DEPTH + 2 : DEPTH;
    int stretch = max_depth + 1;

    Node *t = bottom_up_tree(stretch);
    printf("stretch tree of depth %d\t check: %lld\n", stretch, (long long)check(t));
    free_tree(t);

    Node *long_lived = bottom_up_tree(max_depth);
    for (int d = MIN_DEPTH; d <= max_depth; d += 2) {
        int64_t iterations = (int64_t)1 << (max_depth - d + MIN_DEPTH);
        int64_t total = 0;
        for (int64_t i = 0; i < iterations; i++) {
            t = bottom_up_tree(d);
            total += check(t);
            free_tree(t);
        }
        printf("%lld\t trees of depth %d\t check: %lld\n", (long long)iterations, d,
               (long long)total);
    }
    printf("long lived tree of depth %d\t check: %lld\n", max_depth, (long long)check(long_lived));
    free_tree(long_lived);
    return 0;
}
