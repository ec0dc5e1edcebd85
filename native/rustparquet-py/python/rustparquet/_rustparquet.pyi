"""Type stubs of the native module (rustparquet._rustparquet). The public API is the
`rustparquet` package; these are its building blocks."""

from os import PathLike
from typing import Any, List, Optional, Sequence, Tuple, Union

__version__: str

class Error(Exception):
    """Base of the errors rustparquet raises itself."""

class BadDocument(Error):
    """A document that is not valid JSON or does not fit the schema."""

    path: str
    line: int
    column: int
    reason: str

class SchemaConflict(Error):
    """Two documents disagree on a field's JSON type (unions='error')."""

    field: str
    first: str
    second: str

class Schema:
    """A document schema."""

    @staticmethod
    def parse(text: str, format: str = "auto", source_name: Optional[str] = None) -> Schema: ...
    @staticmethod
    def from_file(path: Union[str, PathLike[str]], format: str = "auto") -> Schema: ...
    def to_string(self, format: str) -> str: ...
    def to_ddl(self) -> str: ...
    def to_spark_json(self) -> str: ...
    def to_json_schema(self) -> str: ...
    def to_parquet(self) -> str: ...
    def to_json(self) -> str: ...
    def to_arrow(self) -> Any:
        """The Arrow schema as a pyarrow.Schema (pyarrow is imported here)."""
    def __arrow_c_schema__(self, requested_schema: Any = None) -> Any: ...
    def __eq__(self, other: object) -> bool: ...

def convert(
    inputs: List[str],
    output: Optional[str],
    dataset: Optional[str],
    schema: Optional[Schema],
    options: Sequence[Tuple[str, str]],
) -> dict: ...
def infer_schema(inputs: List[str], options: Sequence[Tuple[str, str]]) -> Schema: ...
def read_records(
    inputs: List[str],
    columns: Optional[List[str]],
    limit: Optional[int],
    max_memory: int,
    omit_nulls: bool,
    nan: str,
) -> bytes: ...
class BatchStream:
    """Record batches being read from JSON on a worker thread (rustparquet.iter_batches)."""

    @property
    def document_schema(self) -> Schema: ...
    def __arrow_c_schema__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The batches as an Arrow C stream capsule; taken once."""
    def next_batch(self) -> Optional[Tuple[Any, Any]]:
        """The next batch as (schema capsule, struct array capsule), None at the end."""
    def close(self) -> None: ...

def read_batches(
    inputs: List[str],
    schema: Optional[Schema],
    options: Sequence[Tuple[str, str]],
    batch_rows: int,
    batch_bytes: int,
) -> BatchStream: ...
def read_table(
    inputs: List[str],
    schema: Optional[Schema],
    options: Sequence[Tuple[str, str]],
    batch_rows: int,
    batch_bytes: int,
) -> BatchStream:
    """All batches read before returning (rustparquet.read_json)."""
def cli_main(argv: List[str]) -> int: ...
