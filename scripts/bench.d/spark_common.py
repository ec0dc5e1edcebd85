"""What the Spark benchmarks share: the two Spark lines (their venv, jar and Java), the corpora,
a SparkSession on local[2], and splicing one marked section into BENCHMARKS.md.

A Spark line is "3.5" (the project's .venv, pyspark 3.5.x, the Scala 2.12 jar) or "4"
(.venv-spark4, pyspark 4.x, the Scala 2.13 jar); scripts/setup makes both venvs and
scripts/build-jar both jars (jvm/target/spark-3.5.9/, jvm/target/spark-4.0.0/), as the test
command uses them (spark-tests/spark_support.py).
"""

import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

# line -> (venv, build-jar's output folder, jar name prefix, Java majors the line runs on)
LINES = {
    "3.5": (".venv", "spark-3.5.9", "rustparquet-spark-3.5_2.12-", (17, 11, 8)),
    "4": (".venv-spark4", "spark-4.0.0", "rustparquet-spark-4_2.13-", (17, 21)),
}


def say(prog, msg):
    print(f"{prog}: {msg}", file=sys.stderr, flush=True)


def corpus(profile, docs, log=lambda m: say("bench", m)):
    """bench-data/PROFILE-DOCS.ndjson, generated once (the same files scripts/bench times)."""
    import bench  # scripts/bench.d/bench.py

    return bench.ensure_corpus(profile, docs, os.path.join(ROOT, "bench-data"), log)


def python(line):
    """The Python of a Spark line's venv (exits with how to make it when it is missing)."""
    venv = LINES[line][0]
    py = os.path.join(ROOT, venv, "bin", "python")
    if not os.path.exists(py):
        sys.exit(f"{venv}/bin/python not found: scripts/setup makes it (pyspark for Spark {line})")
    return py


def jar(line, build=True):
    """The rustparquet data source jar of LINE that scripts/build-jar makes (built when missing)."""
    _, folder, prefix, _ = LINES[line]
    found = [j for j in sorted(glob.glob(os.path.join(ROOT, "jvm", "target", folder, prefix + "*.jar")))
             if not re.search(r"-(sources|javadoc|tests)\.jar$", j)]
    if found:
        return found[-1]
    if not build:
        sys.exit(f"jvm/target/{folder}/{prefix}*.jar not found: run scripts/build-jar {line}")
    say("bench", f"building the Spark {line} jar (scripts/build-jar {line})")
    subprocess.run([os.path.join(ROOT, "scripts", "build-jar"), line], check=True, stdout=subprocess.DEVNULL)
    return jar(line, build=False)


def _java_major(home):
    java = os.path.join(home, "bin", "java")
    if not os.path.exists(java):
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        return None
    return int(m.group(2)) if m.group(1) == "1" else int(m.group(1))


def java_home(line):
    """A Java home LINE runs on: $JAVA_HOME if it is one, a Java 17 under /usr/lib/jvm, or the
    `java` on PATH (machines may carry a newer JDK that Spark cannot run on)."""
    candidates = [os.environ["JAVA_HOME"]] if os.environ.get("JAVA_HOME") else []
    candidates += sorted(glob.glob("/usr/lib/jvm/*17*"))
    on_path = subprocess.run(["sh", "-c", "command -v java"], capture_output=True, text=True).stdout.strip()
    if on_path:
        candidates.append(os.path.dirname(os.path.dirname(os.path.realpath(on_path))))
    for home in candidates:
        if _java_major(home) in LINES[line][3]:
            return home
    sys.exit(f"no Java that Spark {line} runs on ({LINES[line][3]}); scripts/setup installs openjdk-17")


def start_spark(app, jar_path, memory="4g", conf=()):
    """A local[2] session with the jar, UI and progress bars off, two shuffle partitions; CONF:
    extra (key, value) pairs. The first session of the process launches the JVM with these
    settings, so the jar is on the driver's class path too (where `format("rustparquet")` is
    looked up)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master("local[2]").appName(app)
               .config("spark.driver.memory", memory)
               .config("spark.jars", jar_path)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2"))
    for k, v in conf:
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def uptime():
    """`uptime`'s load averages, as "1.23, 1.10, 0.90" (1, 5, 15 minutes)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def splice(path, begin, end, block):
    """Replaces the text between BEGIN and END (inclusive) in the report at PATH with BLOCK; a
    report without them gets BLOCK before the notes block's end (which scripts/bench keeps when
    it rewrites the file), else at its end."""
    text = open(path).read() if os.path.exists(path) else ""
    notes_end = "<!-- notes:end -->"
    if begin in text and end in text[text.index(begin):]:
        i = text.index(begin)
        j = text.index(end, i) + len(end)
        text = text[:i] + block + text[j:]
    elif notes_end in text:
        text = text.replace(notes_end, block + "\n" + notes_end, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)


def dir_bytes(path):
    """Bytes of the Parquet files under PATH (a Spark output folder) or of the file PATH."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(f) for f in glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True))
