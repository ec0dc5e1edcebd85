import os
import zipfile

import pytest

import rustparquet

# scripts/test tells whether the wheel it built bundles the jar (it does when scripts/build-jar
# had built one); without that, the test checks what the installed package holds.
EXPECT = os.environ.get("RUSTPARQUET_WHEEL_HAS_JAR")


def _bundled() -> bool:
    if EXPECT is not None:
        return EXPECT == "1"
    return os.path.isdir(os.path.join(os.path.dirname(rustparquet.__file__), "jars"))


def test_spark_jar_for_spark_3_5():
    if _bundled():
        path = rustparquet.spark_jar("3.5.9")
        assert os.path.isfile(path) and path.endswith(".jar") and "_2.12-" in path
        with zipfile.ZipFile(path) as z:
            assert "org/rustparquet/spark/native/linux/amd64/librustparquet_jni.so" in z.namelist()
    else:
        with pytest.raises(FileNotFoundError, match="scripts/build-jar"):
            rustparquet.spark_jar("3.5.9")


def test_spark_jar_refuses_unsupported_versions():
    with pytest.raises(ValueError, match="not supported"):
        rustparquet.spark_jar("2.4.8")
    with pytest.raises(ValueError, match="not a Spark version"):
        rustparquet.spark_jar("latest")


def test_spark_jar_takes_the_installed_pyspark_version():
    try:
        import pyspark
    except ImportError:
        with pytest.raises(ValueError, match="give spark_version"):
            rustparquet.spark_jar()
        return
    if _bundled() and pyspark.__version__.startswith("3.5"):
        assert rustparquet.spark_jar() == rustparquet.spark_jar(pyspark.__version__)
