"""Links between teachers on a posting and their hosts (partnership.host_links): who is linked to
whom, and what a year of joint work along those links does to their skill."""

from __future__ import annotations

import numpy as np

from sim.processes import partnership as pp


def world(seed: int, n: int = 400, campuses: int = 8):
    """Random teachers: campus of post, owner (a fifth away from home), subject group, skill."""
    r = np.random.default_rng(seed)
    owner = r.integers(0, campuses, n)
    campus = np.where(r.random(n) < 0.2, r.integers(0, campuses, n), owner)
    return (r.permutation(10 * n)[:n].astype(np.int64), campus, owner, r.random(n) < 0.15, r.normal(0, 0.1, n))


def test_hosts_link_only_to_visitors_of_their_campus_and_subject_inside_groups():
    for seed in range(5):
        ids, campus, owner, pe, skill = world(seed)
        in_group = np.array([True, True, True, False, True, False, True, True])
        hosts, visitors = pp.host_links(ids, campus, owner, pe, in_group, 3, seed, 2)
        assert len(hosts) and len(hosts) == len(visitors)
        assert (campus[hosts] == owner[hosts]).all() and (campus[visitors] != owner[visitors]).all()
        assert (campus[hosts] == campus[visitors]).all() and (pe[hosts] == pe[visitors]).all()
        assert in_group[campus[hosts]].all()
        # every host with a visitor of its subject at its campus gets exactly k links
        key = 2 * campus + pe
        visiting = set(key[campus != owner].tolist())
        expected = [i for i in np.flatnonzero((campus == owner) & in_group[campus]) if key[i] in visiting]
        assert sorted(set(hosts.tolist())) == expected
        assert (np.bincount(hosts, minlength=len(ids))[expected] == 3).all()


def test_links_do_not_depend_on_row_order_and_none_without_groups_or_k():
    ids, campus, owner, pe, _ = world(7)
    in_group = np.ones(8, bool)
    a, b = pp.host_links(ids, campus, owner, pe, in_group, 2, 1, 3)
    perm = np.random.default_rng(0).permutation(len(ids))
    pa, pb = pp.host_links(ids[perm], campus[perm], owner[perm], pe[perm], in_group, 2, 1, 3)
    assert sorted(zip(ids[a].tolist(), ids[b].tolist())) == sorted(zip(ids[perm][pa].tolist(), ids[perm][pb].tolist()))
    assert len(pp.host_links(ids, campus, owner, pe, np.zeros(8, bool), 2, 1, 3)[0]) == 0
    assert len(pp.host_links(ids, campus, owner, pe, in_group, 0, 1, 3)[0]) == 0


def test_the_weaker_end_of_a_host_link_gains():
    ids, campus, owner, pe, skill = world(3)
    hosts, visitors = pp.host_links(ids, campus, owner, pe, np.ones(8, bool), 3, 1, 1)
    gain = pp.spread_skill(skill, hosts, visitors, 0.05)
    linked = np.zeros(len(ids), bool)
    linked[np.r_[hosts, visitors]] = True
    assert (gain >= 0).all() and (gain[~linked] == 0).all()
    weaker_host = skill[hosts] < skill[visitors]
    assert (gain[hosts[weaker_host]] > 0).all() and (gain[visitors[weaker_host]] >= 0).all()
