"""Edge lists for testing connected components: adversarial shapes and identity-like mixtures.

Every function returns an (n, 2) int64 array of undirected edges; node ids are drawn at random from a
wide range so that id order carries no hint of the structure.
"""

from __future__ import annotations

import numpy as np


def random_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` distinct random node ids in a wide BIGINT range."""
    ids = np.unique(rng.integers(1, 10**12, size=count * 2))[:count]
    assert len(ids) == count
    return rng.permutation(ids)


def shuffled(rng: np.random.Generator, edges: np.ndarray) -> np.ndarray:
    """The edges in random order, each one reversed with probability 1/2."""
    edges = edges[rng.permutation(len(edges))]
    flip = rng.random(len(edges)) < 0.5
    edges[flip] = edges[flip][:, ::-1]
    return edges


def chain(rng: np.random.Generator, length: int, ids: np.ndarray | None = None) -> np.ndarray:
    """A path through `length` nodes, visited in the order of `ids` (random ids when not given)."""
    ids = random_ids(rng, length) if ids is None else ids
    return shuffled(rng, np.column_stack([ids[:-1], ids[1:]]))


def star(rng: np.random.Generator, leaves: int) -> np.ndarray:
    """A star whose centre has a larger id than every leaf, so every leaf starts as a local minimum."""
    leaf_ids = np.arange(1, leaves + 1, dtype=np.int64)
    centre = np.full(leaves, leaves + 1, dtype=np.int64)
    return shuffled(rng, np.column_stack([leaf_ids, centre]))


def clique(ids: np.ndarray) -> np.ndarray:
    """Every pair of `ids`."""
    first, second = np.triu_indices(len(ids), k=1)
    return np.column_stack([ids[first], ids[second]])


def clusters_joined_by_junk_node(rng: np.random.Generator, size: int) -> np.ndarray:
    """Two cliques of `size` nodes plus one node (a shared junk identifier) linked to all of them."""
    ids = random_ids(rng, 2 * size + 1)
    junk = ids[-1]
    edges = np.vstack(
        [
            clique(ids[:size]),
            clique(ids[size : 2 * size]),
            np.column_stack([ids[:-1], np.full(2 * size, junk)]),
        ]
    )
    return shuffled(rng, edges)


def small_components(rng: np.random.Generator, components: int) -> np.ndarray:
    """Many components of 1-10 nodes: a random tree each, extra edges, duplicates and self-edges."""
    sizes = rng.integers(1, 11, size=components)
    ids = random_ids(rng, int(sizes.sum()))
    parts = []
    start = 0
    for size in sizes:
        members = ids[start : start + size]
        start += size
        if size == 1:
            parts.append(np.array([[members[0], members[0]]]))
            continue
        parents = members[rng.integers(0, np.arange(1, size))]
        parts.append(np.column_stack([members[1:], parents]))
        extra = rng.integers(0, size, size=(size // 3, 2))
        parts.append(members[extra])
    edges = np.vstack(parts)
    duplicates = edges[rng.integers(0, len(edges), size=len(edges) // 10)]
    return shuffled(rng, np.vstack([edges, duplicates]))


def self_edges_only(rng: np.random.Generator, nodes: int) -> np.ndarray:
    """Isolated nodes, each given by a self-edge, some of them repeated."""
    ids = random_ids(rng, nodes)
    repeated = ids[: nodes // 4]
    return np.column_stack([np.concatenate([ids, repeated])] * 2)
