"""Spark faults on a real two-executor cluster (issue 10 §5): a speculative copy, an executor JVM
killed mid-write, a task failing once, and a job failing for good. For the typed path and the
raw-JSON path, the output must hold every row exactly once, no stray file may remain, and
`_SUCCESS` is there exactly when the job succeeded.

The cluster is Spark standalone from the pyspark package: a master and two workers, one core
each. The workers listen on two loopback addresses, 127.0.0.1 and 127.0.0.2. Spark never starts a
speculative copy on a host that already runs an attempt of the task (TaskSetManager's
`hasAttemptOnHost`). So `local` and `local-cluster` mode, whose executors share one host, never
speculate, and two host names are what make the copy run. Every process listens on loopback only.
The module-scoped fixture starts them and its finalizer stops them (each in its own process group,
with the executors and Python workers under it).

Faults are injected in the Python function that produces the rows (`mapPartitions` on an RDD,
evaluated inside the write task). A faulty attempt first yields FAULT_AT rows, then waits until
its own part file exists under `_temporary` (on the typed path: until it holds Parquet bytes), so
the fault lands mid-write. Then it either sleeps (speculation), raises (a retried or a failing
task), or SIGKILLs its executor JVM.
What happened is read from Spark's event log (task attempts, the `Speculative` flag, executors,
end reasons) and from marker files the faulty attempts write.
"""

import glob
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spark_support import assert_same_rows, collect_plain, configure_spark_launch, find_jar

HOSTS = ("127.0.0.1", "127.0.0.2")
PARTITIONS = 4
ROWS_PER_PARTITION = 2000
# Rows a faulty attempt yields before its fault. Rows carry 1 KiB of incompressible text, so by
# then the Python worker's 64 KiB output buffer has passed well over 1,000 rows to the writer, and
# their row groups (ROW_GROUP_SIZE) fill more than the 64 KiB buffer of Hadoop's output stream:
# the part file has bytes on disk.
FAULT_AT = 1500
ROW_GROUP_SIZE = "16k"
MALFORMED_AT = 7  # the raw path's extra malformed document, at this row of every task
SLOW_SECONDS = 60  # the slow attempt's pause; speculation must make the job finish far sooner
TYPED_DDL = "id BIGINT, s STRING, st STRUCT<a: BIGINT, tags: ARRAY<STRING>>"
EXECUTOR_CLASS = b"org.apache.spark.executor.CoarseGrainedExecutorBackend"


# ---------------------------------------------------------------------------------------------
# Rows (built on the executors too: this module is pickled by value, see the `spark` fixture)


def source_doc(n: int) -> dict:
    """Row n as the plain value both paths must read back."""
    st = None if n % 13 == 0 else {"a": 3 * n, "tags": [] if n % 10 == 0 else [f"t{n % 7}", f"u{n % 5}"]}
    noise = "".join(hashlib.sha256(f"{n}-{j}".encode()).hexdigest() for j in range(16))
    return {"id": n, "s": f"row {n:08d} {noise}", "st": st}


def typed_row(n: int) -> tuple:
    doc = source_doc(n)
    st = doc["st"] and (doc["st"]["a"], doc["st"]["tags"])
    return (doc["id"], doc["s"], st)


def malformed_doc(partition: int) -> str:
    return f'{{"id": {partition}, "s": not json}}'


def own_part_file(out: str, partition: int, tid: int, need_bytes: bool, timeout: float = 30.0):
    """(path, bytes) of this task attempt's part file once it exists (and holds bytes, if
    `need_bytes`), or the best seen within `timeout`."""
    # FileOutputCommitter's attempt directory: attempt_<job>_m_<partition, 6 digits>_<Spark TID>
    pattern = f"{out}/_temporary/*/_temporary/attempt_*_m_{partition:06d}_{tid}/part-{partition:05d}-*"
    deadline = time.monotonic() + timeout
    best = (None, 0)
    while True:
        for f in glob.glob(pattern):
            try:
                size = os.path.getsize(f)
            except OSError:
                continue
            if best[0] is None or size > best[1]:
                best = (f, size)
        if (best[0] and (best[1] > 0 or not need_bytes)) or time.monotonic() > deadline:
            return best
        time.sleep(0.05)


def executor_jvm_pid() -> int:
    """The executor JVM above this Python worker (worker ← pyspark.daemon ← JVM)."""
    pid = os.getpid()
    for _ in range(4):
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])  # field 4: the parent
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if EXECUTOR_CLASS in f.read():
                return pid
    raise RuntimeError(f"no executor JVM among the ancestors of Python worker {os.getpid()}")


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def fault_rows(path: str, faults: dict, out: str, markers: str):
    """The mapPartitions function of a write: partition p yields rows p*R .. p*R+R-1 (raw: one
    JSON document per row, plus one malformed document). `faults` maps a partition to the fault
    its attempt 0 injects at row FAULT_AT: "slow", "fail-once", "kill"; "fail-always" injects on
    every attempt, once the other partitions' tasks have committed (so the job's abort has
    committed output to remove).

    A faulty attempt records where its file was in `markers`. On the typed path it waits until
    its file holds bytes; the raw path's writer buffers 8 MiB of shredded documents before it
    encodes any (rustparquet_core::stream), so its file is still empty. Later attempts of a
    faulty partition (retries, speculative copies) start only once attempt 0 has reached its
    fault: a slow attempt 0 must not lose to a copy before it injects the fault."""

    def rows(_):
        from pyspark import TaskContext

        tc = TaskContext.get()
        p, attempt, tid = tc.partitionId(), tc.attemptNumber(), tc.taskAttemptId()
        fault = faults.get(p)
        if fault and attempt > 0:
            wait_until(lambda: os.path.exists(f"{markers}/p{p}-a0.json"))
        for i in range(ROWS_PER_PARTITION):
            if i == FAULT_AT and fault and (attempt == 0 or fault == "fail-always"):
                part, size = own_part_file(out, p, tid, need_bytes=path == "typed")
                marker = {"partition": p, "attempt": attempt, "tid": tid, "fault": fault, "part_file": part,
                          "part_bytes": size, "time": time.time()}
                if fault == "kill":
                    marker["jvm_pid"] = executor_jvm_pid()
                elif fault == "fail-always":
                    others = [k for k in range(PARTITIONS) if k != p]
                    marker["others_committed"] = wait_until(lambda: all(
                        glob.glob(f"{out}/_temporary/*/task_*_m_{k:06d}") for k in others))
                with open(f"{markers}/.p{p}-a{attempt}.json", "w") as f:
                    json.dump(marker, f)
                os.rename(f"{markers}/.p{p}-a{attempt}.json", f"{markers}/p{p}-a{attempt}.json")
                if fault == "slow":
                    time.sleep(SLOW_SECONDS)
                elif fault == "kill":
                    os.kill(marker["jvm_pid"], signal.SIGKILL)
                    time.sleep(10)  # pyspark.daemon takes its workers down once its JVM is gone
                    os._exit(1)
                else:
                    raise RuntimeError(f"deliberate failure of partition {p}, attempt {attempt}")
            if path == "raw" and i == MALFORMED_AT:
                yield (malformed_doc(p),)
            n = p * ROWS_PER_PARTITION + i
            yield (json.dumps(source_doc(n)),) if path == "raw" else typed_row(n)

    return rows


# ---------------------------------------------------------------------------------------------
# The cluster


class Cluster:
    """A standalone master and one worker per HOSTS entry, started from the pyspark package."""

    def __init__(self, base: Path):
        import pyspark

        self.base = base
        self.home = Path(pyspark.__file__).parent
        self.procs = []
        self.url = None

    def launch(self, name: str, cls: str, args: list, host: str) -> subprocess.Popen:
        # SPARK_LOCAL_IP binds the web UIs (ports chosen by the OS) to loopback as well.
        env = dict(os.environ, SPARK_HOME=str(self.home), SPARK_LOCAL_IP=host)
        with open(self.base / f"{name}.log", "w") as log:
            proc = subprocess.Popen(
                [str(self.home / "bin" / "spark-class"), cls, "--host", host, "--port", "0", "--webui-port", "0",
                 *args],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def log_tail(self, name: str, lines: int = 30) -> str:
        text = (self.base / f"{name}.log").read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def start(self):
        master = self.launch("master", "org.apache.spark.deploy.master.Master", [], HOSTS[0])
        deadline = time.monotonic() + 90
        while self.url is None:
            m = re.search(r"Starting Spark master at (spark://\S+)", (self.base / "master.log").read_text())
            if m:
                self.url = m.group(1)
            elif master.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Spark master did not start:\n{self.log_tail('master')}", pytrace=False)
            else:
                time.sleep(0.2)
        for i, host in enumerate(HOSTS):
            self.launch(f"worker{i}", "org.apache.spark.deploy.worker.Worker",
                        ["--cores", "1", "--memory", "1g", "--work-dir", str(self.base / f"work{i}"), self.url], host)

    def stop(self):
        """SIGTERM each process group (a worker's takes its executors along), then SIGKILL what
        is still alive after 30 s."""
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        for proc in reversed(self.procs):
            while _group_alive(proc.pid) and time.monotonic() < deadline:
                proc.poll()
                time.sleep(0.2)
            if _group_alive(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


def _group_alive(pgid: int) -> bool:
    """Whether any process of group `pgid` is still running (zombies do not count)."""
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    configure_spark_launch()  # JAVA_HOME for spark-class
    c = Cluster(tmp_path_factory.mktemp("spark-cluster"))
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def spark(cluster):
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    # The row functions run on the executors, where this test module cannot be imported.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    events = cluster.base / "events"
    events.mkdir()
    session = (
        SparkSession.builder.master(cluster.url)
        .appName("rustparquet-spark-faults")
        .config("spark.jars", str(find_jar()))
        .config("spark.driver.host", HOSTS[0])
        .config("spark.driver.bindAddress", HOSTS[0])
        .config("spark.executor.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", str(events))
        .config("spark.task.maxFailures", "3")
        .config("spark.speculation", "true")
        .config("spark.speculation.interval", "100ms")
        .config("spark.speculation.quantile", "0.5")
        .config("spark.speculation.multiplier", "1.5")
        # Only the stalled attempt may be speculated: a copy of an ordinary task that starts as
        # the job commits (it is killed at once) can leave an empty _temporary behind, since
        # Spark's job commit does not wait for killed attempts.
        .config("spark.speculation.minTaskRuntime", "10s")
        # a killed attempt's Python worker is destroyed after this (default 2 s)
        .config("spark.python.task.killTimeout", "500ms")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    try:
        if session.sparkContext.master != cluster.url:
            pytest.fail(f"another module's SparkSession ({session.sparkContext.master}) is still running",
                        pytrace=False)
        session.sparkContext.setLogLevel("ERROR")
        session.events = events
        await_executors(session, cluster)
        # Warm both executors up (JVM, Python daemon, native library), so that the first test's
        # task durations, which speculation compares against, are those of a warm write.
        warm = session.sparkContext.parallelize(range(PARTITIONS), PARTITIONS)
        session.createDataFrame(warm.mapPartitions(fault_rows("typed", {}, "", "")), TYPED_DDL).write.format(
            "rustparquet").save(str(cluster.base / "warm-up"))
        yield session
    finally:
        session.stop()
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def await_executors(spark, cluster, timeout=120):
    """Waits until one executor runs on each host (a killed one is replaced by its worker)."""
    tracker = spark.sparkContext._jsc.sc().statusTracker()
    deadline = time.monotonic() + timeout
    while True:
        hosts = [info.host() for info in tracker.getExecutorInfos()]  # the driver's is one of them
        if hosts.count(HOSTS[0]) >= 2 and hosts.count(HOSTS[1]) >= 1:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"executors did not register (hosts {hosts}):\n{cluster.log_tail('worker0')}\n"
                        f"{cluster.log_tail('worker1')}", pytrace=False)
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# Event log


def read_tasks(spark, group: str):
    """(job ended, task attempts) of the jobs run under job group `group`, from the event log."""
    sc = spark.sparkContext
    stages, ended, jobs = set(), False, set()
    starts, ends = {}, {}
    for log in glob.glob(str(spark.events / f"{sc.applicationId}*")):
        for line in Path(log).read_text().splitlines():
            try:
                e = json.loads(line)
            except ValueError:
                continue  # a line still being written
            kind = e["Event"]
            if kind == "SparkListenerJobStart" and e.get("Properties", {}).get("spark.jobGroup.id") == group:
                stages.update(e["Stage IDs"])
                jobs.add(e["Job ID"])
            elif kind == "SparkListenerJobEnd" and e["Job ID"] in jobs:
                ended = True
            elif kind in ("SparkListenerTaskStart", "SparkListenerTaskEnd") and e["Stage ID"] in stages:
                info = e["Task Info"]
                task = {
                    "partition": info["Index"], "attempt": info["Attempt"], "tid": info["Task ID"],
                    "executor": info["Executor ID"], "host": info["Host"], "speculative": info["Speculative"],
                    "launch": info["Launch Time"],
                }
                if kind == "SparkListenerTaskStart":
                    starts[info["Task ID"]] = task
                else:
                    reason = e["Task End Reason"]
                    detail = [reason.get(k) for k in ("Kill Reason", "Loss Reason", "Description", "Full Stack Trace")]
                    task.update(finish=info["Finish Time"], reason=reason["Reason"],
                                detail="\n".join(d for d in detail if d))
                    ends[info["Task ID"]] = task
    return ended, [ends.get(tid, starts[tid]) for tid in sorted(starts)]


def settled_tasks(spark, group: str, timeout=90):
    """The task attempts of `group` once the job and every attempt (killed copies finish after
    the job) have ended. Events after a job's end are flushed by the next job's start, hence the
    tiny jobs."""
    sc = spark.sparkContext
    deadline = time.monotonic() + timeout
    while True:
        ended, tasks = read_tasks(spark, group)
        if ended and tasks and all("reason" in t for t in tasks):
            return tasks
        if time.monotonic() > deadline:
            pytest.fail(f"task attempts of {group} did not all end: {tasks}", pytrace=False)
        sc.setJobGroup(f"{group}-flush", "flush the event log")
        sc.parallelize([0], 1).count()
        time.sleep(0.5)


def attempts_of(tasks, partition):
    return sorted((t for t in tasks if t["partition"] == partition), key=lambda t: t["attempt"])


# ---------------------------------------------------------------------------------------------
# Writing and checking


def write(spark, path: str, faults: dict, out: Path, markers: Path, bad: Path, group: str):
    """Writes PARTITIONS x ROWS_PER_PARTITION rows through the data source under job group
    `group`, with the faults injected; returns the settled task attempts (and re-raises the
    write's error after they settle)."""
    sc = spark.sparkContext
    markers.mkdir()
    rdd = sc.parallelize(range(PARTITIONS), PARTITIONS).mapPartitions(fault_rows(path, faults, str(out), str(markers)))
    writer = spark.createDataFrame(rdd, "value STRING" if path == "raw" else TYPED_DDL).write.format("rustparquet")
    writer = writer.mode("overwrite").option("batchRows", "100").option("rowGroupSize", ROW_GROUP_SIZE)
    if path == "raw":
        writer = (writer.option("jsonColumn", "value").option("schema", TYPED_DDL)
                  .option("mode", "DROPMALFORMED").option("badRecordsPath", str(bad)))
    sc.setJobGroup(group, f"rustparquet faults: {group}")
    error = None
    try:
        writer.save(str(out))
    except Exception as e:  # noqa: BLE001 - re-raised once the attempts have settled
        error = e
    tasks = settled_tasks(spark, group)
    if error is not None:
        raise error
    return tasks


def read_marker(markers: Path, partition: int, attempt: int, path: str) -> dict:
    """What a faulty attempt recorded: its part file was open (typed path: with bytes in it)."""
    f = markers / f"p{partition}-a{attempt}.json"
    assert f.exists(), f"partition {partition} attempt {attempt} never reached its fault (no {f.name})"
    marker = json.loads(f.read_text())
    assert marker["part_file"] and (marker["part_bytes"] > 0 or path == "raw"), (
        f"partition {partition} attempt {attempt} was not mid-write at its fault: {marker}")
    return marker


def tree(root: Path) -> list:
    """Every file and directory under root, relative, sorted."""
    return sorted(str(p.relative_to(root)) + ("/" if p.is_dir() else "") for p in root.rglob("*"))


def check_output(spark, out: Path):
    """A committed write: one part file per partition (Hadoop's .crc beside each file), _SUCCESS,
    nothing else (no _temporary, no hidden or partial file); each part file holds its partition's
    ids in order (pyarrow); Spark reads every row exactly once with its values."""
    import pyarrow.parquet as pq

    listing = tree(out)
    parts = [name for name in listing if name.startswith("part-")]
    for k in range(PARTITIONS):
        assert len([p for p in parts if p.startswith(f"part-{k:05d}-")]) == 1, f"partition {k}'s files: {listing}"
    assert len(parts) == PARTITIONS, listing
    expected_listing = sorted(["_SUCCESS", "._SUCCESS.crc"] + parts + [f".{p}.crc" for p in parts])
    assert listing == expected_listing, f"stray files in the output: {sorted(set(listing) - set(expected_listing))}"
    for name in parts:
        k = int(name[5:10])
        ids = pq.read_table(out / name, columns=["id"]).column("id").to_pylist()
        assert ids == list(range(k * ROWS_PER_PARTITION, (k + 1) * ROWS_PER_PARTITION)), f"{name} holds other rows"
    back = spark.read.parquet(str(out))
    got = collect_plain(back)
    total = PARTITIONS * ROWS_PER_PARTITION
    assert sorted(r["id"] for r in got) == list(range(total)), "each row must be read back exactly once"
    assert_same_rows(got, [source_doc(n) for n in range(total)], f"read back from {out}")


def check_bad_records(bad: Path, partitions):
    """The raw path's bad records: exactly one file per partition in `partitions`, each holding
    that partition's one malformed document once; no hidden attempt file left behind."""
    runs = list(bad.iterdir())
    assert len(runs) == 1 and runs[0].is_dir(), f"one directory per write: {tree(bad)}"
    names = [f"part-{k:05d}.json" for k in partitions]
    assert tree(runs[0]) == sorted(names + [f".{n}.crc" for n in names]), f"bad-record files: {tree(bad)}"
    for k in partitions:
        lines = (runs[0] / f"part-{k:05d}.json").read_text().splitlines()
        assert [(r["partition"], r["row"], r["document"]) for r in map(json.loads, lines)] == [
            (k, MALFORMED_AT, malformed_doc(k))
        ], f"partition {k}'s bad records: {lines}"


def show(tasks) -> str:
    return "\n".join(
        f"  p{t['partition']} a{t['attempt']} tid {t['tid']} exec {t['executor']}@{t['host']}"
        f"{' speculative' if t['speculative'] else ''} {t.get('reason', 'running')} {t.get('detail', '').partition(chr(10))[0][:120]}"
        for t in tasks
    )


# ---------------------------------------------------------------------------------------------
# Tests

PATHS = ["typed", "raw"]


@pytest.mark.parametrize("path", PATHS)
def test_speculative_copy_commits_once(spark, cluster, tmp_path, path):
    """Partition 3's first attempt stalls mid-write; Spark starts a speculative copy on the
    other host, which commits; the stalled attempt is killed. One file per partition, each row
    once, _SUCCESS, no leftovers; the raw path's bad records exactly once too."""
    await_executors(spark, cluster)
    out, markers, bad = tmp_path / "out", tmp_path / "markers", tmp_path / "bad"
    started = time.monotonic()
    tasks = write(spark, path, {3: "slow"}, out, markers, bad, f"speculation-{path}")
    took = time.monotonic() - started
    table = show(tasks)

    slow = read_marker(markers, 3, 0, path)
    p3 = attempts_of(tasks, 3)
    original, copies = p3[0], [t for t in p3 if t["speculative"]]
    assert original["attempt"] == 0 and not original["speculative"], table
    assert copies, f"no speculative attempt of partition 3 ran:\n{table}"
    winner = [t for t in p3 if t["reason"] == "Success"]
    assert winner == copies[:1], f"the speculative copy must be the one attempt that succeeds:\n{table}"
    copy = copies[0]
    assert copy["host"] != original["host"], table
    assert original["launch"] < copy["launch"] < original["finish"], f"the copy must run while the original does:\n{table}"
    assert slow["tid"] == original["tid"]
    assert original["reason"] == "TaskKilled", f"the stalled original must be killed, not finish:\n{table}"
    assert took < SLOW_SECONDS, f"the write waited for the stalled attempt ({took:.0f} s)"
    for k in (0, 1, 2):
        assert [t["reason"] for t in attempts_of(tasks, k)].count("Success") == 1, table

    check_output(spark, out)
    if path == "raw":
        check_bad_records(bad, range(PARTITIONS))


@pytest.mark.parametrize("path", PATHS)
def test_killed_executor_and_failed_attempt_are_retried(spark, cluster, tmp_path, path):
    """Partition 1's first attempt raises mid-write; partition 2's first attempt SIGKILLs its own
    executor JVM mid-write. Both are retried (partition 2 on another executor) and the output
    holds each row once, with no trace of the dead attempts."""
    await_executors(spark, cluster)
    out, markers, bad = tmp_path / "out", tmp_path / "markers", tmp_path / "bad"
    tasks = write(spark, path, {1: "fail-once", 2: "kill"}, out, markers, bad, f"kill-{path}")
    table = show(tasks)

    read_marker(markers, 1, 0, path)
    p1 = attempts_of(tasks, 1)
    assert p1[0]["reason"] == "ExceptionFailure" and "deliberate failure of partition 1" in p1[0]["detail"], table
    assert [t["reason"] for t in p1[1:]].count("Success") == 1, table

    killed = read_marker(markers, 2, 0, path)
    p2 = attempts_of(tasks, 2)
    assert p2[0]["tid"] == killed["tid"] and p2[0]["reason"] == "ExecutorLostFailure", table
    successes = [t for t in p2 if t["reason"] == "Success"]
    assert len(successes) == 1 and successes[0]["executor"] != p2[0]["executor"], table
    # The JVM is gone (or a zombie its worker has not reaped yet).
    try:
        state = Path(f"/proc/{killed['jvm_pid']}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        state = "gone"
    assert state in ("gone", "Z"), f"executor JVM {killed['jvm_pid']} survived SIGKILL"

    check_output(spark, out)
    if path == "raw":
        check_bad_records(bad, range(PARTITIONS))


@pytest.mark.parametrize("path", PATHS)
def test_job_failing_for_good_leaves_nothing(spark, cluster, tmp_path, path):
    """Partition 1 fails mid-write on every attempt (spark.task.maxFailures=3): the job fails,
    and although the other partitions' tasks committed, nothing is left that a reader would
    pick up: no _SUCCESS, no part file, not even _temporary. The raw path keeps the bad records
    of the tasks that succeeded (documented), none of the failed partition's."""
    await_executors(spark, cluster)
    out, markers, bad = tmp_path / "out", tmp_path / "markers", tmp_path / "bad"
    with pytest.raises(Exception) as failure:
        write(spark, path, {1: "fail-always"}, out, markers, bad, f"fail-{path}")
    assert "deliberate failure of partition 1" in str(failure.value)
    tasks = settled_tasks(spark, f"fail-{path}")
    table = show(tasks)

    p1 = attempts_of(tasks, 1)
    failed = [t for t in p1 if t["reason"] == "ExceptionFailure"]
    assert len(failed) == 3 and "Success" not in [t["reason"] for t in p1], table
    for t in failed:
        assert read_marker(markers, 1, t["attempt"], path)["others_committed"], "partitions 0, 2, 3 never committed"
    for k in (0, 2, 3):
        assert [t["reason"] for t in attempts_of(tasks, k)].count("Success") == 1, table

    assert out.is_dir() and tree(out) == [], f"a failed job left files behind: {tree(out)}"
    assert spark.read.schema(TYPED_DDL).parquet(str(out)).count() == 0
    if path == "raw":
        check_bad_records(bad, [0, 2, 3])
