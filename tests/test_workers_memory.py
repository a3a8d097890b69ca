"""Without --jobs, the number of render workers is chosen from the memory available as well
as the cores (issue 22, item 17): 16 workers of 1.4 GB each on a 16-core machine needed
about 24 GB. The figures are injected, so nothing here depends on this machine's memory."""

from __future__ import annotations

import pytest

from careprint.pipeline import workers
from careprint.pipeline.workers import WORKER_MEMORY, default_workers

GB = 1024 ** 3


@pytest.mark.parametrize("cpus,available,expected", [
    (16, 64 * GB, 16),        # memory enough for a worker a core
    (16, 8 * GB, 5),          # 8 GB holds five workers of 1.5 GB, not sixteen
    (16, 1 * GB, 1),          # too little for one: still one
    (16, 0, 1),
    (2, 24 * GB, 2),          # the cores limit
    (16, None, 16),           # memory unknown: the cores alone
    (None, 8 * GB, 1),        # cores unknown: one
    (0, 8 * GB, 1),
])
def test_the_default_number_of_workers_fits_the_memory_available(cpus, available, expected):
    assert WORKER_MEMORY == 1536 * 1024 * 1024
    assert default_workers(cpus, available) == expected


def test_a_build_without_jobs_starts_only_the_workers_memory_holds(monkeypatch, tmp_path):
    """render_jobs asks default_workers when --jobs is not given, and obeys --jobs N."""
    from careprint.render import Job

    started = []
    monkeypatch.setattr(workers, "cpu_cores", lambda: 16)
    monkeypatch.setattr(workers, "available_memory", lambda: 4 * GB)
    monkeypatch.setattr(workers, "_in_pool", lambda order, n, done, beside=None: started.append(n))
    jobs = [Job("pdf", "e", f"x{i}", f"e/x{i}.pdf", 1, "") for i in range(20)]
    workers.render_jobs(jobs, {}, None, tmp_path, False, None, None)
    workers.render_jobs(jobs, {}, None, tmp_path, False, 7, None)
    assert started == [2, 7]


def test_the_memory_available_is_read_from_this_system():
    available = workers.available_memory()
    assert available is None or available > 0
    assert (workers.cpu_cores() or 1) >= 1


def test_a_container_limit_counts_as_the_memory_available(tmp_path):
    """In a container or a CI job, the cgroup's memory limit, less what it uses, is the
    memory available when it is less than the machine's."""
    (tmp_path / "memory.max").write_text(f"{4 * GB}\n")
    (tmp_path / "memory.current").write_text(f"{1 * GB}\n")
    assert workers.cgroup_room(str(tmp_path)) == 3 * GB
    available = workers.available_memory(str(tmp_path))
    assert available is not None and available <= 3 * GB
    (tmp_path / "memory.max").write_text("max\n")
    assert workers.cgroup_room(str(tmp_path)) is None
    assert workers.cgroup_room(str(tmp_path / "none")) is None
